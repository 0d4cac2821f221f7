// cgocall.cpp — crossing between managed and foreign code.
//
// Managed code runs on G stacks the runtime owns; foreign code runs on the
// thread's own system stack, g0. Go does the same, for the same reasons: a G
// stack is small (64 KiB here, a few KiB in Go) so thousands of Gs are cheap,
// while C code expects the big stack the OS gave its thread; and a collector
// must know which frames are managed so it can scan them precisely or at
// least find their bounds.
//
// cgosan_run(fn, arg) starts a G: it takes an idle G from the M's cache, and
// switches from g0 to the top of the G's stack to run fn.
//
// cgosan_cgocall(fn, frame) is Go's cgocall + asmcgocall. On a G it
//   1. counts the call (per-M counter, summed by cgosan_num_cgocall);
//   2. entersyscall: marks the G parked. The switch below publishes the G's
//      stack pointer in g->saved_sp after spilling the callee-saved registers,
//      then the status, so a collector can scan [saved_sp, stack_hi) without
//      stopping the thread, which may stay in C for as long as it likes;
//   3. switches to g0 at m->g0_sp, where the system stack was left when this
//      G was started (or last called back into), and runs fn there;
//   4. switches back and exitsyscalls: if the world is stopped it waits, so
//      the G never touches managed memory under a running collector;
//   5. returns the errno fn left (and leaves it in errno).
// Off a G (already foreign), fn runs directly: there is nothing to park.
//
// cgosan_cgocall_nocallback(fn, frame, callee) is the crossing for a function
// that promised never to call back and never to block (Go 1.22's nocallback;
// Go's runtime calls its own short libc calls the same way, asmcgocall with
// no entersyscall). Steps 2 and 4 go: the G's status says kGNoCallback, for
// which a collector waits as for a running G, so the way back needs no
// handshake with a stopped world. A callback into the G from inside fn
// breaks the promise and is reported (bad-callback), not run.
//
// cgosan_cgocallback(fn, frame) is Go's cgocallback. From foreign code inside
// a cgocall, the G is parked below us; the callback switches back onto that G,
// just below the parked frame, exitsyscalls, runs fn, entersyscalls and
// switches back. Meanwhile m->g0_sp moves down to the callback's frame, so a
// cgocall made by fn runs below it on g0. Calls and callbacks nest this way to
// any depth, each stack growing downwards in its own region:
//
//     system stack (g0)                         G stack
//   +-----------------------+
//   | C: main               |
//   | cgosan_run            |
//   | asm switch (saved     |--- m->g0_sp --->+-----------------------+
//   |   rbx..r15, rbp)      |                 | managed fn            |
//   +-----------------------+                 | cgosan_cgocall        |
//   | foreign fn            |<-- m->g0_sp ----| asm switch (spills)   |
//   | cgosan_cgocallback    |                 +--- g->saved_sp -------+
//   | asm switch (spills)   |--- g->saved_sp ->| managed callback     |
//   +-- new m->g0_sp -------+                 | cgosan_cgocall ...    |
//   | nested foreign fn ... |<----------------|                       |
//
// Every asm frame's CFA is computed from %rbp, which points into the stack
// the switch came from, so debuggers and libunwind walk from the innermost
// frame back through each switch to main.
//
// From a thread foreign code created (no M), or a thread with an M that runs
// no G, a callback has no G to return to: it binds an M to the thread (Go's
// needm; the M stays bound until the thread exits, then goes back to the
// pool), gives it a fresh G and runs fn there as cgosan_run would.
//
// What is refused: a NULL fn (api-misuse), cgosan_run from managed code or
// from foreign code inside a cgocall (api-misuse: a thread runs one G), and
// cgosan_cgocallback from managed code that is not inside a cgocall
// (bad-callback, Go's badcgocallback). They are reported, never executed.
//
// Both managed -> foreign entry points are assembly (asm/crossing_amd64.S):
// the whole crossing, steps 1-5, for the common case (a running G, nothing
// hearing of crossings: cgosan_crossing_is_plain), which jumps to the C++
// form below (Cgocall, through cgosan_cgocall_general) for everything else.
// Cost: the common case is two thread-local loads (the status word's
// pointer, the entry depth), the counter, one status store each way, an
// errno store and load through the M, the switch (six pushes and pops, the
// registers spilled once) and, for cgocall, the stop-the-world check (a load
// and a branch under membarrier); no C++ frame guards fn: the routine's own
// unwind entry does (boundary_guard.cpp). A nocallback call has no
// stop-the-world check. See bench/.
//
// The one status word. Whether a thread runs managed code is g->status of
// the G it runs, and nothing else: the thread reaches that word through a
// thread-local pointer (__cgosan_g_status, rtl.h), set when m->curg changes
// (a G starts or ends here), never by a crossing; the collector reaches it
// through m->curg. So a crossing makes one store each way, and there is no
// second copy for a signal handler, an interposer or the collector to find
// out of step. Only the word's thread writes it (the collector reads it);
// docs/design-notes.md ("Fast crossings, fourth pass") has the argument
// for why the collector never sees a G run while it believes it parked.
//
// cgosan_cgocallback is assembly too (asm/callback_amd64.S), for a callback
// into the G parked in a cgocall on this thread with nothing hearing of
// crossings: exitsyscall, the switch below the parked frame, fn's entry
// frame (entry_frames.h) written in place, entersyscall, and again no C++
// frame around fn. Everything else (a thread with no M or no G: needm and
// a fresh G; a G not parked in a cgocall: bad-callback; hooks; ASan/TSan)
// is the C++ form below, cgosan_cgocallback_general, which the assembly
// entry point calls with the caller's arguments.
#include <errno.h>

#include "crossing_layout.h"
#include "fiber_switch.h"
#include "heap/gc.h"
#include "hooks.h"
#include "report.h"
#include "rtl.h"

namespace __cgosan {

Hooks hooks;  // all null until a checker fills it (hooks.h)

static constexpr char kMsgNullFn[] = "%s called with a NULL function";
static constexpr char kMsgRunFromManaged[] =
    "cgosan_run called from managed code: G %llu is already running on this "
    "thread (a thread runs one G at a time; call the function directly)";
static constexpr char kMsgRunInCgocall[] =
    "cgosan_run called from foreign code inside a cgocall: G %llu is parked "
    "in cgosan_cgocall on this thread (re-enter managed code with "
    "cgosan_cgocallback)";
static constexpr char kMsgCallbackFromManaged[] =
    "cgosan_cgocallback called from managed code: G %llu is running, not "
    "parked in a cgocall (a callback must come from foreign code)";
static constexpr char kMsgNoGStack[] =
    "cannot map a %zu-byte G stack (out of memory); the function was not run";
static constexpr char kMsgBadSwitch[] =
    "stack switch to NULL stack top (function %p, argument %p): the runtime's "
    "thread state is corrupt";

static constexpr char kMsgCallbackFromNoCallback[] =
    "%s called back into managed code (callback %p, G %llu), but it was called "
    "as nocallback: it promised never to call back; the callback was not run";

static unsigned long long GoId(const G *g) { return g->id; }

// The callee a cgosan_cgocall_nocallback in flight on m was given, or else
// what the symbolizer calls its fn, into buf.
void NoCallbackCalleeName(const M *m, char *buf, uptr size) {
  if (m->nocallback_callee) {
    internal_strlcpy(buf, m->nocallback_callee, size);
    return;
  }
  uptr pc = reinterpret_cast<uptr>(m->foreign_call);
  if (!FunctionNameAt(pc, buf, size))
    internal_snprintf(buf, size, "the foreign function at %p",
                      reinterpret_cast<void *>(pc));
}

// Go's "cgo callback from C function marked nocallback", worded for cgosan.
static NOINLINE void ReportCallbackFromNoCallback(const M *m, const G *g,
                                                  cgosan_fn fn) {
  char callee[128];
  NoCallbackCalleeName(m, callee, sizeof(callee));
  ReportHere(kBadCallback, kMsgCallbackFromNoCallback, callee,
             reinterpret_cast<void *>(fn), GoId(g));
}

// 1 when a crossing needs nothing but itself, so the assembly forms may run
// it (asm/crossing_amd64.S, asm/callback_amd64.S): no checker hears of
// cgocalls or callbacks, no gc_at_return, no ASan or TSan in the program to
// tell of the switch; 0 until the runtime has started. One byte for the
// process, recomputed whenever what it sums changes: at start-up, once the
// flags and the program's sanitizer are known, and by whoever fills a
// crossing's hook slot, whenever that is (hooks.h). A checker may do so
// while Gs run (race=go's hooks go in at the first use of the race API,
// maybe on a G a constructor started before the checker's own): each
// crossing reads the byte once, as it starts, so it hears of the hooks from
// the next crossing on, never in half a crossing.
extern "C" u8 cgosan_crossing_is_plain;
u8 cgosan_crossing_is_plain;

void CrossingHooksChanged() {
  bool plain = !hooks.foreign_call_starts && !hooks.foreign_code_resumes &&
               !hooks.cgocall_begin &&
               !hooks.cgocall_end && !hooks.callback_begin &&
               !hooks.callback_end && !flags()->gc_at_return &&
               fiber_sanitizer == kFiberSanitizerNone;
  // Release: a crossing that reads 0 finds the hooks stored before it.
  __atomic_store_n(&cgosan_crossing_is_plain, plain, __ATOMIC_RELEASE);
}

// The assembly crossings read M and G at fixed offsets (crossing_layout.h).
#define CGOSAN_CHECK_LAYOUT(type, field, offset) \
  static_assert(__builtin_offsetof(type, field) == offset, \
                "move " #offset " in rtl/crossing_layout.h")
CGOSAN_CHECK_LAYOUT(M, g0_sp, CGOSAN_M_G0_SP);
CGOSAN_CHECK_LAYOUT(M, ncgocall, CGOSAN_M_NCGOCALL);
CGOSAN_CHECK_LAYOUT(M, foreign_call, CGOSAN_M_FOREIGN_CALL);
CGOSAN_CHECK_LAYOUT(M, nocallback_callee, CGOSAN_M_NOCALLBACK_CALLEE);
CGOSAN_CHECK_LAYOUT(M, nlocals, CGOSAN_M_NLOCALS);
CGOSAN_CHECK_LAYOUT(M, errno_location, CGOSAN_M_ERRNO_LOCATION);
CGOSAN_CHECK_LAYOUT(G, saved_sp, CGOSAN_G_SAVED_SP);
CGOSAN_CHECK_LAYOUT(G, entry_sp, CGOSAN_G_ENTRY_SP);
CGOSAN_CHECK_LAYOUT(G, status, CGOSAN_G_STATUS);
CGOSAN_CHECK_LAYOUT(G, m, CGOSAN_G_M);
CGOSAN_CHECK_LAYOUT(G, nlent, CGOSAN_G_NLENT);
CGOSAN_CHECK_LAYOUT(G, lent_floor, CGOSAN_G_LENT_FLOOR);
#undef CGOSAN_CHECK_LAYOUT
static_assert(sizeof(M::ncgocall) == 8 && sizeof(M::nlocals) == 4 &&
                  sizeof(G::status) == 4 && sizeof(G::nlent) == 4,
              "the assembly crossings' operand sizes");
static_assert(kGRunning == CGOSAN_G_RUNNING && kGSyscall == CGOSAN_G_SYSCALL &&
                  kGNoCallback == CGOSAN_G_NOCALLBACK,
              "rtl/crossing_layout.h's G statuses");

// The lending records of the call or callback ending on g go to the
// retention checker; with nothing lent (always, unless retention=full) this
// is two loads and a compare.
ALWAYS_INLINE void EndLendingRecords(G *g) {
  if (UNLIKELY(g->nlent != g->lent_floor))
    hooks.lending_call_returned(g);
}

// Starts a new G on m, runs fn(arg) there through the boundary guard, and
// frees the G. Used by cgosan_run and by callbacks that need a fresh G.
// Inlined so that the public entry point, not a helper, is the frame that
// stacks show at the crossing. entry_pc: where the program called that
// entry point.
ALWAYS_INLINE int RunNewG(M *m, cgosan_fn fn, void *arg, Boundary boundary,
                          uptr entry_pc) {
  G *g = AcquireG(m);
  if (UNLIKELY(!g)) {
    ReportHere(kApiMisuse, kMsgNoGStack, (usize)flags()->stack_size);
    return ENOMEM;
  }
  // Published only now, with its saved_sp at the top of its empty stack
  // (AcquireG): a collector may read m->curg at any time, and scans from it.
  __atomic_store_n(&m->curg, g, __ATOMIC_RELEASE);
  SetCurrentGStatusWord(g);
  // Entering managed code goes through exitsyscall (for a callback, Go's
  // needm + cgocallbackg), so a new G waits while the world is stopped.
  ExitSyscall(g);
  bool callback = boundary == kBoundaryCallback;
  if (UNLIKELY(hooks.callback_begin) && callback)
    hooks.callback_begin(g);
  GuardedCall call = {fn, arg, boundary};
  g->entry_sp = g->stack_hi;
  SwitchStacks(m, g, kSwitchToNewG, &call, CallGuarded,
               reinterpret_cast<void *>(g->stack_hi),
               reinterpret_cast<void **>(&m->g0_sp), nullptr, 0, entry_pc);
  if (UNLIKELY(hooks.callback_end) && callback)
    hooks.callback_end(g);
  EndLendingRecords(g);
  if (UNLIKELY(hooks.foreign_code_resumes))
    hooks.foreign_code_resumes();
  m->curg = nullptr;
  SetCurrentGStatusWord(nullptr);
  m->g0_sp = 0;
  ReleaseG(m, g);
  return 0;
}

void CallOnSystemStack(cgosan_fn fn, void *arg) {
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  uptr sp = reinterpret_cast<uptr>(__builtin_frame_address(0));
  if (!IsRunningG(g) || sp < g->stack_lo || sp >= g->stack_hi) {
    fn(arg);  // foreign code, a signal handler's stack: already big enough
    return;
  }
  // Below where the last switch to the G left the system stack, as a
  // cgocall's foreign function runs. The G's stack pointer is saved to a
  // local: the G is not parked, so the collector does not read it.
  void *g_sp;
  SwitchStacks(m, g, kSwitchToSystemStack, arg, fn,
               reinterpret_cast<void *>(m->g0_sp), &g_sp);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" {

SANITIZER_INTERFACE_ATTRIBUTE
int cgosan_run(cgosan_fn fn, void *arg) {
  EnsureInitialized();
  if (UNLIKELY(!fn)) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNullFn, "cgosan_run");
    return EINVAL;
  }
  int user_errno = GetErrno();
  M *m = CurrentM();
  if (!m)
    m = AcquireM(/*extra=*/false);
  if (G *g = m->curg) {
    u32 status = atomic_load(&g->status, memory_order_relaxed);
    if (status == kGNoCallback)  // managed code again: the promise is broken
      ReportCallbackFromNoCallback(m, g, fn);
    else
      ReportHere(kApiMisuse,
                 status == kGSyscall ? kMsgRunInCgocall : kMsgRunFromManaged,
                 GoId(g));
    SetErrno(user_errno);
    return EINVAL;
  }
  SetErrno(user_errno);
  int err = RunNewG(m, fn, arg, kBoundaryRun,
                    reinterpret_cast<uptr>(__builtin_return_address(0)));
  return err;
}

SANITIZER_INTERFACE_ATTRIBUTE
int cgosan_in_managed(void) {
  DCHECK_EQ(InManaged(), IsRunningG(CurrentG()));
  return InManaged();
}

}  // extern "C"

namespace __cgosan {

// gc_at_return=N (.NET's gcManagedToUnmanaged): a collection as every Nth
// foreign call of the process returns, so an unpinned object that only
// foreign code still holds is freed, and poisoned, at the same point on
// every run. After fn's local references are dropped: what fn made and kept
// is fair game too.
static atomic_uint64_t returns_since_start;

static NOINLINE void CollectAtReturn(int every) {
  if ((atomic_fetch_add(&returns_since_start, 1, memory_order_relaxed) + 1) %
          every == 0)
    Collect();
}

// The two managed -> foreign crossings, one body: cgosan_cgocall parks the
// G (entersyscall/exitsyscall around the switch); cgosan_cgocall_nocallback
// only switches, with the G in kGNoCallback, which a collector waits for as
// for a running G. The general form of both: the assembly entry points
// (asm/crossing_amd64.S) call it, inlined into cgosan_cgocall_general and
// cgosan_cgocall_nocallback_general, for all but their common case, and
// stacks show the entry point's frame below it.
template <bool kNoCallback>
ALWAYS_INLINE int Cgocall(cgosan_fn fn, void *frame, const char *callee) {
  if (UNLIKELY(!fn)) {
    EnsureInitialized();
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNullFn,
               kNoCallback ? "cgosan_cgocall_nocallback" : "cgosan_cgocall");
    return EINVAL;
  }
  // The running G's status word, through the thread's pointer to it
  // (rtl.h): the branch waits for two loads, not for the chain M -> G.
  if (!InManaged()) {
    // Already foreign: nothing to park, nothing to switch.
    SetErrno(0);
    fn(frame);
    return GetErrno();
  }
  M *m = CurrentM();
  G *g = m->curg;
  DCHECK(IsRunningG(g));
  atomic_store(&m->ncgocall, atomic_load(&m->ncgocall, memory_order_relaxed) + 1,
               memory_order_relaxed);
  if (UNLIKELY(hooks.foreign_call_starts))
    hooks.foreign_call_starts();
  if (UNLIKELY(hooks.cgocall_begin))
    hooks.cgocall_begin(g);
  u32 locals_mark = m->nlocals;  // what foreign code makes in fn is dropped after
  SetErrno(0);
  GuardedCall call = {fn, frame, kBoundaryCgocall};
  cgosan_fn outer_call = m->foreign_call;  // a callback may cgocall again
  m->foreign_call = fn;
  if (kNoCallback) {
    // No parking: the G stays "running" for the collector, which waits for
    // it to come back (gc.cpp), so no handshake is needed on the way back.
    // The switch still publishes g->saved_sp below the spilled registers,
    // for a collection that fn itself starts (cgosan_gc from foreign code).
    m->nocallback_callee = callee;
    atomic_store(&g->status, kGNoCallback, memory_order_relaxed);
    SwitchStacks(m, g, kSwitchToSystemStack, &call, CallGuarded,
                 reinterpret_cast<void *>(m->g0_sp),
                 reinterpret_cast<void **>(&g->saved_sp));
    atomic_store(&g->status, kGRunning, memory_order_relaxed);
    m->foreign_call = outer_call;
  } else {
    // entersyscall, in two halves. The G's status says "parked" only from
    // the switch, once it has spilled the registers and stored g->saved_sp:
    // a collector that saw the status first would scan from the saved_sp of
    // an earlier park, and miss the frames (and registers) of this one.
    SwitchStacks(m, g, kSwitchToSystemStack, &call, CallGuarded,
                 reinterpret_cast<void *>(m->g0_sp),
                 reinterpret_cast<void **>(&g->saved_sp), &g->status,
                 kGSyscall);
    m->foreign_call = outer_call;
  }
  int err = GetErrno();
  if (!kNoCallback)
    ExitSyscall(g);
  // The G runs: no collection marks until it reaches a safepoint, so the
  // local references fn's objects were (heap_alloc.cpp) end with no lock.
  m->nlocals = locals_mark;
  if (UNLIKELY(flags()->gc_at_return)) {
    CollectAtReturn(flags()->gc_at_return);
    SetErrno(err);  // the collection may not move the user's errno
  }
  EndLendingRecords(g);
  if (UNLIKELY(hooks.cgocall_end)) {
    hooks.cgocall_end(g);
    SetErrno(err);  // the hook may not move the user's errno
  }
  return err;
}

}  // namespace __cgosan

extern "C" {

int cgosan_cgocall_general(cgosan_fn fn, void *frame);
int cgosan_cgocall_nocallback_general(cgosan_fn fn, void *frame,
                                      const char *callee);
void cgosan_cgocallback_general(cgosan_fn fn, void *frame);
void cgosan_crossing_lent(G *g);
void cgosan_crossing_wait_for_world(G *g);

// The general forms of cgosan_cgocall and cgosan_cgocall_nocallback, which
// are assembly (asm/crossing_amd64.S) and jump here, with the caller's
// arguments, for all but the common case.
int cgosan_cgocall_general(cgosan_fn fn, void *frame) {
  return Cgocall</*kNoCallback=*/false>(fn, frame, nullptr);
}

int cgosan_cgocall_nocallback_general(cgosan_fn fn, void *frame,
                                      const char *callee) {
  return Cgocall</*kNoCallback=*/true>(fn, frame, callee);
}

// The assembly crossings' slow branches, each the C++ form's step (the
// callback's too).
void cgosan_crossing_lent(G *g) { hooks.lending_call_returned(g); }
void cgosan_crossing_wait_for_world(G *g) { ExitSyscallSlow(g); }

// The general form of cgosan_cgocallback, which is assembly
// (asm/callback_amd64.S) and calls this, with the caller's arguments, for
// all but a callback into a G parked in a cgocall with no hooks.
void cgosan_cgocallback_general(cgosan_fn fn, void *frame) {
  EnsureInitialized();
  if (UNLIKELY(!fn)) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNullFn, "cgosan_cgocallback");
    return;
  }
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  if (!g) {
    // A thread with no G: foreign code created it, or it is outside any
    // cgosan_run. Bind an M (needm) and run fn on a fresh G.
    if (!m) {
      int user_errno = GetErrno();
      m = AcquireM(/*extra=*/true);
      SetErrno(user_errno);
    }
    // The program called the assembly entry point, which keeps a frame.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wframe-address"
    RunNewG(m, fn, frame, kBoundaryCallback,
            reinterpret_cast<uptr>(__builtin_return_address(1)));
#pragma clang diagnostic pop
    return;
  }
  u32 status = atomic_load(&g->status, memory_order_relaxed);
  if (UNLIKELY(status != kGSyscall)) {
    ErrnoSaver errno_saver;
    if (status == kGNoCallback)
      ReportCallbackFromNoCallback(m, g, fn);
    else
      ReportHere(kBadCallback, kMsgCallbackFromManaged, GoId(g));
    return;
  }
  // Back onto the parked G, just below its cgocall frame.
  uptr parked_sp = g->saved_sp;
  uptr outer_g0_sp = m->g0_sp;
  uptr outer_entry_sp = g->entry_sp;
  u32 outer_lent_floor = g->lent_floor;  // the parked call's lending records
  g->entry_sp = parked_sp;
  g->lent_floor = g->nlent;
  ExitSyscall(g);
  if (UNLIKELY(hooks.callback_begin))
    hooks.callback_begin(g);
  GuardedCall call = {fn, frame, kBoundaryCallback};
  SwitchStacks(m, g, kSwitchToG, &call, CallGuarded,
               reinterpret_cast<void *>(parked_sp),
               reinterpret_cast<void **>(&m->g0_sp));
  if (UNLIKELY(hooks.callback_end))
    hooks.callback_end(g);
  EndLendingRecords(g);
  if (UNLIKELY(hooks.foreign_code_resumes))
    hooks.foreign_code_resumes();
  g->lent_floor = outer_lent_floor;
  m->g0_sp = outer_g0_sp;
  g->entry_sp = outer_entry_sp;
  g->saved_sp = parked_sp;
  EnterSyscall(g);
}

SANITIZER_INTERFACE_ATTRIBUTE
int64_t cgosan_num_cgocall(void) {
  return static_cast<int64_t>(TotalCgocalls());
}

void cgosan_bad_stack_switch(void *arg, cgosan_fn fn, void *stack_top) {
  (void)stack_top;
  ReportDesc r = {};
  r.kind = kApiMisuse;
  SetMessage(&r, kMsgBadSwitch, reinterpret_cast<void *>(fn), arg);
  CaptureStack(&r.stack);
  EmitFatalReport(r);
}

}  // extern "C"
