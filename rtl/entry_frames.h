// entry_frames.h — naming the managed function a stack lost to a tail call.
//
// A function whose last act is a call (`void send(void *h) {
// uv_async_send(h); }`) is compiled at -O2 to a jump: its frame is gone
// before the callee runs, and no unwinder can find it. When the runtime
// (cgosan_run's fn, cgosan_cgocallback's fn) or an interposer's callback
// invoker called that function through a pointer, the function is known: the
// caller records {its own frame pointer, the function} here for the length of
// the call (EnterFrame / LeaveFrame, per thread, nesting; the assembly
// callback, asm/callback_amd64.S, writes its entry in place, with its switch
// stub's frame pointer). A stack capture
// passes each frame's %rbp; the last frame of an entry's run of frames whose
// %rbp is the entry's frame pointer is the entry's caller, and a pseudo frame
// naming the function goes just before it (tagged, so that rendering can drop
// it where the function's own frame is beside it: the usual case, no tail
// call). Cost: two thread-local stores per entry; a compare per captured frame
// and live entry.
#ifndef CGOSAN_RTL_ENTRY_FRAMES_H
#define CGOSAN_RTL_ENTRY_FRAMES_H

#include "rtl.h"

namespace __cgosan {

// A pseudo frame: the function's address with this bit set (user-space
// addresses stay below 2^47).
constexpr uptr kEntryFrameTag = static_cast<uptr>(1) << 62;
inline bool IsEntryFrame(uptr pc) { return pc & kEntryFrameTag; }
inline uptr EntryFunction(uptr pc) { return pc & ~kEntryFrameTag; }

// Records that the frame whose frame pointer is fp calls fn; returns what
// LeaveFrame restores (the depth before), so a call that never returned
// normally (an exception stopped at the boundary) leaves nothing behind.
uptr EnterFrame(uptr fp, uptr fn);
// Entries live on this thread (some past kMaxEntries only counted). Inline
// below: every cgocall reads it and puts it back (boundary_guard.cpp).
// Named for the assembly crossings, which put it back after an exception.
extern THREADLOCAL uptr entry_depth __asm__("cgosan_entry_depth")
    __attribute__((tls_model("initial-exec")));
ALWAYS_INLINE void LeaveFrame(uptr depth) { entry_depth = depth; }
// What LeaveFrame restores for a call not recorded.
ALWAYS_INLINE uptr EntryDepth() { return entry_depth; }

// pcs[0, *n) (innermost first; at most max) with rbps[i] the %rbp of the
// frame of pcs[i] (moved along): inserts a pseudo frame for each live entry,
// before the last frame of its run. A full stack drops its outermost frame.
void AddEntryFrames(uptr *pcs, uptr *rbps, uptr *n, uptr max);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_ENTRY_FRAMES_H
