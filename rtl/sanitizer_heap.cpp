// sanitizer_heap.cpp — what the program's ASan or TSan must know of the
// managed heap, which neither sees: the runtime maps it itself, and hands
// its memory from one G to another through a collector they do not see.
//   LeakSanitizer (ASan's): the heap holds pointers to C memory, so its
//     pages in use are a root region.
//   TSan: a slot the collector freed, or a G stack a new G takes over,
//     starts with no accesses and no sync objects, as freed memory does.
// Cost with neither: a test of a weak reference as the arena grows (rare)
// and a byte's test per run of dead slots swept.
#include "sanitizer_heap.h"

#include "fiber_switch.h"
#include "heap/heap.h"

extern "C" {
// lsan_interface.h and tsan_interface_java.h, declared weak: null when the
// program was built without them. Nothing in the runtime defines them.
void __lsan_register_root_region(const void *p, __sanitizer::uptr size)
    __attribute__((weak));
void __tsan_java_alloc(__sanitizer::uptr addr, __sanitizer::uptr size)
    __attribute__((weak));
void __tsan_java_free(__sanitizer::uptr addr, __sanitizer::uptr size)
    __attribute__((weak));
}

namespace __cgosan {

// TSan's public interface resets a range only through its Java heap calls
// (a managed heap is what they are for): free drops the range's sync
// objects, alloc empties its shadow and makes a block, which the second free
// drops again, so that TSan names no allocation site for it.
void TsanForgetAccesses(uptr start, uptr size) {
  if (fiber_sanitizer != kFiberSanitizerTsan || !size ||
      !&__tsan_java_alloc || !&__tsan_java_free)
    return;
  __tsan_java_free(start, size);
  __tsan_java_alloc(start, size);
  __tsan_java_free(start, size);
}

// LeakSanitizer (ASan's, at exit) scans globals and thread stacks, not the
// managed heap: C memory that only managed objects point to would be
// reported as leaked. The arena's pages handed out (garbage not yet
// collected included) are a root region, registered in 16 MiB steps as the
// arena grows; the whole reservation would cost a scan of 64 GiB of zero
// pages at exit. The G stacks are not: mapped whole, their dead frames
// would hide leaks.
static constexpr uptr kLeakRootStep = 16 << 20;
static uptr leak_roots_end;  // guarded by the heap lock, as the arena

void AddHeapToLeakRoots(uptr start, uptr used_end) {
  if (!&__lsan_register_root_region || used_end <= leak_roots_end)
    return;
  uptr from = Max(start, leak_roots_end);
  leak_roots_end = Min(start + RoundUpTo(used_end - start, kLeakRootStep),
                       start + kArenaSize);
  __lsan_register_root_region(reinterpret_cast<void *>(from),
                              leak_roots_end - from);
}

}  // namespace __cgosan
