// frame_walk.h — the frame-pointer walk of a running G's stack, shared by the
// cheap stack captures (allocation sites, pin and handle stacks).
//
// Every address read is inside the G's own mapping, whatever foreign code
// left in %rbp, so the walk cannot fault; it ends at the switch frame that
// started the G (or the callback), whose saved %rbp points off the G's stack.
#ifndef CGOSAN_RTL_FRAME_WALK_H
#define CGOSAN_RTL_FRAME_WALK_H

#include "rtl.h"

namespace __cgosan {

// Fills pcs with up to max return addresses, starting with the frame whose
// frame pointer is fp; returns how many.
inline uptr WalkGFrames(uptr fp, const G *g, uptr *pcs, uptr max) {
  uptr n = 0;
  while (n < max && fp >= g->stack_lo && fp + 2 * sizeof(uptr) <= g->stack_hi &&
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

}  // namespace __cgosan

#endif  // CGOSAN_RTL_FRAME_WALK_H
