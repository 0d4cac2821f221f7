// frame_walk.h — the frame-pointer walk shared by the cheap stack captures
// (allocation sites, pin and handle stacks, race accesses).
//
// Every address read is inside a stack the caller names (a G's mapping, the
// thread's system stack), whatever foreign code left in %rbp, so the walk
// cannot fault. The walk crosses the stack switch: cgosan_asm_call_on_stack
// keeps %rbp on the stack it leaves, so the first frame on the new stack
// links to the switch frame on the old one. A step into the other stack is
// taken; within one stack frames must move up, and a stack is re-entered
// only above where the walk left it, so the walk ends. Code built without
// frame pointers ends it early: the stack is short, never wrong.
#ifndef CGOSAN_RTL_FRAME_WALK_H
#define CGOSAN_RTL_FRAME_WALK_H

#include "rtl.h"

namespace __cgosan {

struct StackBounds {
  uptr lo, hi;  // [lo, hi); lo == hi: no such stack
};

// Fills pcs with up to max return addresses, starting with the frame whose
// frame pointer is fp and reading only inside the `nstacks` stacks; returns
// how many, n. With `fps` (max + 1 entries), fps[i] is the frame pointer
// whose frame gave pcs[i], and fps[n] the one the walk stopped at.
constexpr uptr kMaxWalkStacks = 2;
inline uptr WalkFrames(uptr fp, const StackBounds *stacks, uptr nstacks,
                       uptr *pcs, uptr max, uptr *fps = nullptr) {
  DCHECK_LE(nstacks, kMaxWalkStacks);
  uptr lowest_next[kMaxWalkStacks] = {};  // a re-entered stack: only above this
  uptr n = 0;
  while (n < max && fp % sizeof(uptr) == 0) {
    uptr in = nstacks;
    for (uptr i = 0; i < nstacks; i++)
      if (fp >= stacks[i].lo && fp + 2 * sizeof(uptr) <= stacks[i].hi)
        in = i;
    if (in == nstacks || fp < lowest_next[in])
      break;
    const uptr *frame = reinterpret_cast<const uptr *>(fp);
    if (frame[1] == 0)
      break;
    if (fps)
      fps[n] = fp;
    pcs[n++] = frame[1];
    lowest_next[in] = fp + 1;  // frames move up the stack, or the chain ends
    fp = frame[0];
  }
  if (fps)
    fps[n] = fp;
  return n;
}

// Within a G's stack only: the allocation sites' walk, which stops at the
// switch frame that started the G (allocation is hot; reports of the other
// events cross).
inline uptr WalkGFrames(uptr fp, const G *g, uptr *pcs, uptr max,
                        uptr *fps = nullptr) {
  StackBounds stack = {g->stack_lo, g->stack_hi};
  return WalkFrames(fp, &stack, 1, pcs, max, fps);
}

// The calling thread's system stack (found once per thread: report.cpp).
StackBounds SystemStackOfThread();

// WalkFrames over the stacks the calling thread runs on: its G's (if it has
// one, running or parked in a cgocall) and its system stack. Zero frames when
// fp is in neither (a stack of the program's own making).
inline uptr WalkOwnStacks(uptr fp, uptr *pcs, uptr max, uptr *fps = nullptr) {
  G *g = CurrentG();
  StackBounds stacks[kMaxWalkStacks] = {SystemStackOfThread(), {0, 0}};
  uptr nstacks = 1;
  if (g)
    stacks[nstacks++] = {g->stack_lo, g->stack_hi};
  return WalkFrames(fp, stacks, nstacks, pcs, max, fps);
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_FRAME_WALK_H
