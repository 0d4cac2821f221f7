// hidden_pointers.h — rule 4 on a foreign heap (check_hidden_pointer.cpp),
// for the store checks of check_store.cpp.
#ifndef CGOSAN_CHECKERS_HIDDEN_POINTERS_H
#define CGOSAN_CHECKERS_HIDDEN_POINTERS_H

#include "scan.h"

namespace __cgosan {

// The word `value` is about to be written at `slot` (cgocheck=2), value is
// outside cgosan's ranges and a foreign heap is registered: a report when
// value points into an object of that heap foreign code may not hold and
// the heap does not scan slot. copy_from: the source of a copy (0: a store).
void CheckForeignStore(uptr slot, uptr value, uptr copy_from, uptr copy_size);

// The words of [src, src + n) copied to dst, each judged as a store: a
// foreign heap may not know its objects' types, so every word is a possible
// pointer.
void CheckForeignCopy(uptr dst, uptr src, uptr n);

// libc's memcpy or memmove (interceptors/pthread), with cgocheck=2 and a
// foreign heap registered, is about to copy n bytes from src to dst:
// CheckForeignCopy, except in a copy the check itself causes (a heap's
// functions may copy).
void CheckLibcCopy(void *dst, const void *src, uptr n);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_HIDDEN_POINTERS_H
