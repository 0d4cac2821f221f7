// sanitizer_heap.h — telling the program's ASan or TSan about the managed
// heap (sanitizer_heap.cpp), beside its stack switches (fiber_switch.h).
#ifndef CGOSAN_RTL_SANITIZER_HEAP_H
#define CGOSAN_RTL_SANITIZER_HEAP_H

#include "rtl.h"

namespace __cgosan {

// ASan's LeakSanitizer looks for pointers to C memory in the managed heap
// too: [start, used_end) are the arena's pages handed out so far, start
// the arena's (called as the arena grows, under the heap lock).
void AddHeapToLeakRoots(uptr start, uptr used_end);

// TSan does not see the runtime hand memory from one G to another (a
// collected object's slot, a pooled G's stack): its accesses and sync
// objects there are forgotten, as TSan forgets those of freed memory.
void TsanForgetAccesses(uptr start, uptr size);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_SANITIZER_HEAP_H
