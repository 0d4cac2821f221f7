// handle.h — handles (Go's cgo.Handle) for the collector and the tests. The
// C API is cgosan_handle_new / cgosan_handle_value / cgosan_handle_delete
// (include/cgosan/cgosan.h); see handle.cpp for the encoding.
#ifndef CGOSAN_RTL_HANDLE_H
#define CGOSAN_RTL_HANDLE_H

#include "rtl.h"

namespace __cgosan {

// A handle is (generation << 32) | (slot index + 1): never 0, and the
// generation of a live handle is odd.
ALWAYS_INLINE uptr HandleSlotIndex(uptr h) { return (h & 0xffffffffull) - 1; }
ALWAYS_INLINE u32 HandleGeneration(uptr h) { return static_cast<u32>(h >> 32); }

// Calls fn(value, arg) for the value of every live handle whose value is not
// NULL (managed or not: the collector filters). For the collector, with the
// world stopped: handle values are roots. Under the handles lock, so the
// table is read at one moment (foreign code is not stopped).
void ForEachHandleValue(void (*fn)(uptr value, void *arg), void *arg);

// Handles issued and not deleted.
uptr NumLiveHandles();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HANDLE_H
