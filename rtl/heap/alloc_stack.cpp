// alloc_stack.cpp — where each managed object was allocated.
//
// Reports name the allocation site of every object they mention, so every
// allocation records one. A full unwind plus a stack-depot insertion per
// allocation would cost more than the allocation itself, so the walk follows
// frame pointers only (the runtime and, by convention, managed code keep
// them), stays inside the G's stack (it ends at the switch frame that started
// the G), and a small per-M cache maps the walked PCs to the depot id, so a
// hot allocation site pays the depot once.
// A frame-pointer walk is a chain of dependent loads: each frame's address
// is read from the one before. An allocation loop calls from the same few
// sites again and again, so the M also remembers a walk per call site of
// the entry point (by its return address, a few sites at once): the frame
// pointers it read and what it found there. If the G is the same and every
// remembered frame still holds the remembered link and return address, the
// walk would find the same stack, and those checks are independent loads
// from known addresses, not a chain. Only walks that ended by leaving the
// G's stack (or at the frame limit) are remembered: then where the walk
// stops depends on the frame pointers alone, which the check compares. And
// only walks of two frames or more, so the check has no case for one.
// A site kept to its call site alone (malloc_context_size=1) needs no walk:
// its stack is the entry's return address, which the memo compares alone.
#include "frame_walk.h"
#include "heap_internal.h"
#include "report.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

namespace __cgosan {

u32 CallerStackId(uptr entry_frame) {
  uptr pc = CallSiteOf(entry_frame);
  return StackDepotPut(StackTrace(&pc, 1));
}

u32 WalkAllocStack(uptr entry_frame, G *g, HeapCache *cache, AllocSiteMemo *memo) {
  if (alloc_stack_frames == 1) {
    uptr pc = CallSiteOf(entry_frame);
    memo->goid = kCallSiteOnly;
    memo->frames[0] = FrameWords{0, pc};
    memo->id = CachedStackId(&pc, 1, &cache->stacks);
    return memo->id;
  }
  uptr pcs[kMaxAllocFrames];
  uptr fps[kMaxAllocFrames + 1];
  uptr n = WalkGFrames(entry_frame, g, pcs, alloc_stack_frames, fps);
  u32 id = CachedStackId(pcs, n, &cache->stacks);
  bool left_stack = fps[n] - g->stack_lo >= g->stack_hi - g->stack_lo;
  if (n >= 2 && (n == alloc_stack_frames || left_stack)) {
    memo->goid = g->id;
    memo->entry_fp = entry_frame;
    for (uptr i = 0; i < n; i++) memo->frames[i] = FrameWords{fps[i + 1], pcs[i]};
    memo->frames_end = &memo->frames[n];
    memo->id = id;
  } else {
    memo->goid = 0;
  }
  return id;
}

}  // namespace __cgosan
