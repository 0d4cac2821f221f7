// frame_walk.h — the frame-pointer walk of one stack, shared by the cheap
// stack captures (allocation sites, pin and handle stacks, race accesses).
//
// Every address read is inside the stack's own mapping, whatever foreign code
// left in %rbp, so the walk cannot fault. On a G it ends at the switch frame
// that started the G (or the callback), whose saved %rbp points off the G's
// stack; on a system stack, at the switch frame of a cgocall or at the
// thread's first frame. Code built without frame pointers ends it early: the
// stack is short, never wrong.
#ifndef CGOSAN_RTL_FRAME_WALK_H
#define CGOSAN_RTL_FRAME_WALK_H

#include "rtl.h"

namespace __cgosan {

// Fills pcs with up to max return addresses, starting with the frame whose
// frame pointer is fp and reading only inside [lo, hi); returns how many.
inline uptr WalkFrames(uptr fp, uptr lo, uptr hi, uptr *pcs, uptr max) {
  uptr n = 0;
  while (n < max && fp >= lo && fp + 2 * sizeof(uptr) <= hi &&
         fp % sizeof(uptr) == 0) {
    const uptr *frame = reinterpret_cast<const uptr *>(fp);
    if (frame[1] == 0)
      break;
    pcs[n++] = frame[1];
    if (frame[0] <= fp)  // frames move up the stack, or the chain ends
      break;
    fp = frame[0];
  }
  return n;
}

// The same within a running G's stack.
inline uptr WalkGFrames(uptr fp, const G *g, uptr *pcs, uptr max) {
  return WalkFrames(fp, g->stack_lo, g->stack_hi, pcs, max);
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_FRAME_WALK_H
