// entry_frames.cpp — see entry_frames.h.
#include "entry_frames.h"

#include "crossing_layout.h"

namespace __cgosan {

struct EntryFrame {
  uptr fp;
  uptr fn;
};
constexpr uptr kMaxEntries = 8;  // deeper nesting is counted, not recorded

// Named for the assembly callback (asm/callback_amd64.S), which records its
// entry here itself, at the offsets crossing_layout.h gives.
extern THREADLOCAL EntryFrame entries[kMaxEntries] __asm__(
    "cgosan_entry_frames") __attribute__((tls_model("initial-exec")));
THREADLOCAL EntryFrame entries[kMaxEntries];
THREADLOCAL uptr entry_depth;
static_assert(kMaxEntries == CGOSAN_ENTRY_FRAMES_MAX &&
                  sizeof(EntryFrame) == 1 << CGOSAN_ENTRY_FRAME_SHIFT &&
                  __builtin_offsetof(EntryFrame, fp) == CGOSAN_ENTRY_FRAME_FP &&
                  __builtin_offsetof(EntryFrame, fn) == CGOSAN_ENTRY_FRAME_FN,
              "rtl/crossing_layout.h's entry frame table");

uptr EnterFrame(uptr fp, uptr fn) {
  uptr before = entry_depth;
  if (before < kMaxEntries)
    entries[before] = {fp, fn};
  entry_depth = before + 1;
  return before;
}

// Inserts pc at index at of pcs[0, *n), dropping the last frame when full.
static void InsertFrame(uptr *pcs, uptr *rbps, uptr *n, uptr max, uptr at,
                        uptr pc) {
  uptr last = *n < max ? *n : max - 1;
  for (uptr i = last; i > at; i--) {
    pcs[i] = pcs[i - 1];
    rbps[i] = rbps[i - 1];
  }
  pcs[at] = pc;
  rbps[at] = 0;
  if (*n < max)
    ++*n;
}

void AddEntryFrames(uptr *pcs, uptr *rbps, uptr *n, uptr max) {
  uptr live = Min(entry_depth, kMaxEntries);
  if (!live || !*n || !max)
    return;
  for (uptr e = live; e-- > 0;) {  // innermost first
    uptr fp = entries[e].fp;
    for (uptr i = 0; i < *n; i++) {
      if (rbps[i] != fp || (i + 1 < *n && rbps[i + 1] == fp))
        continue;
      InsertFrame(pcs, rbps, n, max, i, entries[e].fn | kEntryFrameTag);
      break;
    }
  }
}

}  // namespace __cgosan

using namespace __cgosan;

// The interposers' callback invokers (interceptors/gen), which call the
// user's function through a pointer with its own signature.
extern "C" SANITIZER_INTERFACE_ATTRIBUTE unsigned long __cgosan_entry_begin(
    const void *fp, const void *fn) {
  return EnterFrame(reinterpret_cast<uptr>(fp), reinterpret_cast<uptr>(fn));
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void __cgosan_entry_end(
    unsigned long depth) {
  LeaveFrame(depth);
}
