// stack_capture_linux.cpp — stacks for reports, through libunwind.
//
// libunwind reads the DWARF CFI, so it follows the stack switch (whose CFA is
// computed from %rbp, on the stack that made the switch) and the kernel's
// signal frame. It steps in place and does not call malloc.
//
// libunwind.so also exports _Unwind_RaiseException and friends. Linked in the
// ordinary way it could take them over from libgcc for the whole program and
// change how the program's own C++ exceptions unwind. So it is loaded once, at
// start-up, with RTLD_LOCAL, and only its four local-unwinding entry points
// are looked up. (Allocation-site stacks, hot and many, will use frame
// pointers instead; reports are rare.)
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>

#include "fork.h"
#include "frame_walk.h"
#include "report.h"

#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

struct Libunwind {
  int (*getcontext)(unw_context_t *);
  int (*init_local)(unw_cursor_t *, unw_context_t *);
  int (*init_local2)(unw_cursor_t *, unw_context_t *, int);
  int (*step)(unw_cursor_t *);
  int (*get_reg)(unw_cursor_t *, unw_regnum_t, unw_word_t *);
};
static Libunwind libunwind;  // all null when libunwind could not be loaded

template <typename Fn>
static bool Resolve(void *handle, const char *name, Fn *fn) {
  *fn = reinterpret_cast<Fn>(dlsym(handle, name));
  return *fn != nullptr;
}

void InitializeStackCapture() {
  void *h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
  Libunwind lu = {};
  if (!h || !Resolve(h, "_Ux86_64_getcontext", &lu.getcontext) ||
      !Resolve(h, "_ULx86_64_init_local", &lu.init_local) ||
      !Resolve(h, "_ULx86_64_init_local2", &lu.init_local2) ||
      !Resolve(h, "_ULx86_64_step", &lu.step) ||
      !Resolve(h, "_ULx86_64_get_reg", &lu.get_reg)) {
    Printf("WARNING: CgoSanitizer: libunwind.so.8 not usable (%s); reports "
           "will have frame-pointer stacks only\n",
           h ? "missing symbols" : "not found");
    return;
  }
  libunwind = lu;
}

// Keeps the innermost kTopFrames PCs, and the outermost ones in a ring that is
// unrolled at the end. A stack that fits whole gets the pseudo frames of
// entry_frames.h (from each frame's %rbp).
static void Walk(ReportStack *stack, unw_cursor_t *cursor) {
  constexpr uptr kTop = ReportStack::kTopFrames;
  constexpr uptr kBottom = ReportStack::kMaxFrames - kTop;
  uptr ring[kBottom];
  uptr rbps[ReportStack::kMaxFrames];
  uptr total = 0;
  do {
    unw_word_t ip = 0, rbp = 0;
    if (libunwind.get_reg(cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
      break;
    if (total < ReportStack::kMaxFrames)
      rbps[total] = libunwind.get_reg(cursor, UNW_X86_64_RBP, &rbp) < 0 ? 0 : rbp;
    if (total < kTop)
      stack->pcs[total] = ip;
    else
      ring[(total - kTop) % kBottom] = ip;
    total++;
  } while (libunwind.step(cursor) > 0);
  if (total <= kTop) {
    stack->size = total;
    AddEntryFrames(stack->pcs, rbps, &stack->size, ReportStack::kMaxFrames);
    return;
  }
  uptr in_ring = Min(total - kTop, kBottom);
  uptr oldest = total - kTop - in_ring;  // ring index of the first kept frame
  for (uptr i = 0; i < in_ring; i++)
    stack->pcs[kTop + i] = ring[(oldest + i) % kBottom];
  stack->size = kTop + in_ring;
  stack->elided = total - stack->size;
}

// A cursor at the calling frame; false without libunwind. Inlined: the
// context is only valid while the function that took it is active.
static ALWAYS_INLINE bool StartLocalWalk(unw_context_t *context, unw_cursor_t *cursor) {
  return libunwind.getcontext && libunwind.getcontext(context) >= 0 &&
         libunwind.init_local(cursor, context) >= 0;
}

// libunwind checks each address it reads by writing it to a pipe: in a
// process with no file descriptor left it has no pipe, and stops after the
// first frame. The frame-pointer walk (frame_walk.h) reads no file: it
// gives the stack then, without the frames of code built without frame
// pointers.
static void WalkFramePointers(ReportStack *stack) {
  uptr fps[ReportStack::kMaxFrames + 1];
  uptr n = WalkOwnStacks(reinterpret_cast<uptr>(__builtin_frame_address(0)),
                         stack->pcs, ReportStack::kMaxFrames, fps);
  AddEntryFrames(stack->pcs, fps + 1, &n, ReportStack::kMaxFrames);
  stack->size = n;
  stack->elided = 0;
  stack->return_addresses_only = true;
}

static void CaptureStackHere(void *arg) {
  auto *stack = static_cast<ReportStack *>(arg);
  {
    ScopedLibraryLocks libunwind_cache;
    unw_context_t context;
    unw_cursor_t cursor;
    if (StartLocalWalk(&context, &cursor))
      Walk(stack, &cursor);
  }
  if (stack->size <= 1)
    WalkFramePointers(stack);
}

// libunwind takes kilobytes of stack: from a G, it walks from the system
// stack, back across the switch (whose CFI leads to the G's frames); the
// frames of the walk and the switch are the runtime's, not shown.
void CaptureStack(ReportStack *stack) {
  stack->size = stack->elided = 0;
  CallOnSystemStack(CaptureStackHere, stack);
}

struct FrameSearch {
  uptr addr, lo, hi;
  StackFrameOf result;
};

static bool IsRuntimePc(uptr pc) {
  SymbolizedStackHolder holder(Symbolizer::GetOrInit()->SymbolizePC(
      StackTrace::GetPreviousInstructionPc(pc)));
  return holder.get() && IsRuntimeFrame(holder.get()->info);
}

static void FindFrameHere(void *arg) {
  auto *search = static_cast<FrameSearch *>(arg);
  unw_context_t context;
  unw_cursor_t cursor;
  if (!StartLocalWalk(&context, &cursor))
    return;
  // Frame 0 is this function, on the system stack: every frame in [lo, hi)
  // has a return address for its PC. The innermost frames there are the
  // runtime's (the check that is reporting), and below the first frame that
  // is not, nothing is live.
  uptr best_sp = 0;
  bool user_seen = false;
  for (uptr n = 0; n < 4096 && libunwind.step(&cursor) > 0; n++) {
    unw_word_t ip = 0, sp = 0;
    if (libunwind.get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0 ||
        libunwind.get_reg(&cursor, UNW_REG_SP, &sp) < 0)
      break;
    if (sp < search->lo || sp >= search->hi)
      continue;
    if (!user_seen) {
      if (IsRuntimePc(ip))
        continue;
      user_seen = true;
      if (search->addr < sp) {
        search->result.returned = true;
        return;
      }
    }
    if (sp <= search->addr && sp > best_sp) {
      best_sp = sp;
      search->result.return_pc = ip;
    }
  }
}

StackFrameOf FrameHolding(uptr addr, uptr lo, uptr hi) {
  FrameSearch search = {addr, lo, hi, {}};
  CallOnSystemStack(FindFrameHere, &search);
  return search.result;
}

void CaptureStackFromSignal(ReportStack *stack, void *ucontext) {
  stack->size = stack->elided = 0;
  unw_cursor_t cursor;
  if (!libunwind.init_local2 ||
      libunwind.init_local2(&cursor, static_cast<unw_context_t *>(ucontext),
                            UNW_INIT_SIGNAL_FRAME) < 0)
    return;
  Walk(stack, &cursor);
}

}  // namespace __cgosan
