// report_frames.h — the frames a report shows, for its renderers (text in
// report.cpp, SARIF in report_sarif.cpp): symbolized, inlined frames
// expanded, the hidden ones (IsHiddenFrame) and redundant entry frames
// dropped, numbered as the text numbers them.
#ifndef CGOSAN_RTL_REPORT_FRAMES_H
#define CGOSAN_RTL_REPORT_FRAMES_H

#include "entry_frames.h"
#include "report.h"

#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

// Whether the pseudo frame i of pcs (entry_frames.h) says nothing new: its
// function has its own frame beside it, or cannot be named (report.cpp).
bool IsRedundantEntryFrame(const uptr *pcs, uptr size, uptr i,
                           bool first_pc_exact);

// Calls frame(frame_no, info) for each frame shown of the stack pcs[0, size)
// (pcs[0] an exact PC when first_pc_exact), and elided(n) where a deep
// stack's `elided` middle frames were dropped (their numbers are skipped).
// Returns the number after the last frame: 0 when nothing is shown.
template <class FrameFn, class ElidedFn>
uptr ForEachShownFrame(const uptr *pcs, uptr size, uptr elided,
                       bool first_pc_exact, FrameFn frame, ElidedFn elided_fn) {
  uptr frame_no = 0;
  bool at_top = true;
  for (uptr i = 0; i < size; i++) {
    if (i == ReportStack::kTopFrames && elided) {
      elided_fn(elided);
      frame_no += elided;
    }
    if (IsEntryFrame(pcs[i]) &&
        IsRedundantEntryFrame(pcs, size, i, first_pc_exact))
      continue;
    uptr pc = SymbolizablePc(pcs, i, first_pc_exact);
    // With symbolize=0 sanitizer_common's symbolizer runs no tool and fills
    // in the module and offset alone, as ASan prints them.
    SymbolizedStackHolder holder(Symbolizer::GetOrInit()->SymbolizePC(pc));
    for (const SymbolizedStack *cur = holder.get(); cur; cur = cur->next) {
      if (IsHiddenFrame(cur->info, at_top))
        continue;
      at_top = false;
      frame(frame_no++, cur->info);
    }
  }
  return frame_no;
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_REPORT_FRAMES_H
