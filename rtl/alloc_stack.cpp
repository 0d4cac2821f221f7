// alloc_stack.cpp — where each managed object was allocated.
//
// Reports name the allocation site of every object they mention, so every
// allocation records one. A full unwind plus a stack-depot insertion per
// allocation would cost more than the allocation itself, so the walk follows
// frame pointers only (the runtime and, by convention, managed code keep
// them), stays inside the G's stack (it ends at the switch frame that started
// the G), and a small per-M cache maps the hash of the walked PCs to the depot
// id, so a hot allocation site pays the depot once.
#include "frame_walk.h"
#include "heap_internal.h"
#include "report.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

namespace __cgosan {

static constexpr uptr kMaxAllocFrames = 16;

u32 AllocStackId(uptr entry_frame, G *g, HeapCache *cache) {
  uptr pcs[kMaxAllocFrames];
  uptr n = 0;
  if (!g || !cache) {
    // No G: the stack bounds are unknown; keep the caller only.
    pcs[n++] = reinterpret_cast<uptr *>(entry_frame)[1];
    return StackDepotPut(StackTrace(pcs, n));
  }
  n = WalkGFrames(entry_frame, g, pcs, kMaxAllocFrames);
  return CachedStackId(pcs, n, &cache->stacks);
}

}  // namespace __cgosan
