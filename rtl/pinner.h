// pinner.h — pinned objects (Go's runtime.Pinner), for the collector and the
// pointer checks. The C API is cgosan_pinner_new / cgosan_pin / cgosan_unpin /
// cgosan_pinner_free (include/cgosan/cgosan.h); see pinner.cpp.
#ifndef CGOSAN_RTL_PINNER_H
#define CGOSAN_RTL_PINNER_H

#include "rtl.h"

namespace __cgosan {

// True while at least one pin (of any pinner) holds the object whose first
// byte is object_base (ObjectInfo::base). The checkers read the same bit as
// ObjectInfo::pinned, from the FindObject they do anyway.
bool IsPinned(uptr object_base);

// Calls fn(base, arg) for every pinned object. For the collector, with the
// world stopped: pinned objects are roots. Lock-free (a thread in foreign code
// may pin concurrently); fn may see an object more than once.
void ForEachPinnedObject(void (*fn)(uptr base, void *arg), void *arg);

// Objects pinned now (each counted once, however many pins hold it).
uptr NumPinnedObjects();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_PINNER_H
