// race_signal.cpp — happens-before from a signal's sender to the handler it
// runs. A thread that stores a result and then calls kill, tgkill,
// pthread_kill, raise, sigqueue or pthread_sigqueue is ordered before the
// handler the kernel runs for that signal, on whatever thread it lands: the
// sender releases a sync object per signal number before the real call, and
// the handler acquires it before the program's code runs. Installing a
// handler (sigaction, signal) releases the same object, so what the
// installer set up is ordered before every run of the handler (TSan's edge).
// To run code at the handler's start, sigaction and signal install a
// trampoline in the program's place and keep the program's handler in a
// table; the old action they report is the program's, never the trampoline.
// Allowed on purpose: a signal number is one clock, so a handler is ordered
// after every earlier send of that signal, not only the one that raised it
// (as a semaphore is one clock); a handler that interrupts the runtime's own
// edge work on its thread (a sync-table lock may be held there) skips its
// acquire rather than deadlock. Handlers installed while race=off, or
// through bsd_signal, sysv_signal or sigset, run unwrapped (no edge).
// Cost, when tracking: one clock join per send and per handler run;
// race=off is one load and a branch per call.
#include <signal.h>

#include "race_pthread.h"

// Called by the slow paths below, defined by the interceptor further down.
DECLARE_REAL(int, sigaction, int sig, const struct sigaction *act,
             struct sigaction *old)

namespace __cgosan {

namespace {
using InfoHandler = void (*)(int, siginfo_t *, void *);
using PlainHandler = void (*)(int);
}  // namespace

// The sync object of a signal number: never an address of the program
// (race_fd.cpp's fd keys sit at 2^60 and up, these at 2^59).
constexpr uptr kSignalSyncKeys = 1ull << 59;
constexpr int kMaxSignal = 65;  // _NSIG on Linux

// The program's handler for each signal whose trampoline is installed, and
// whether it takes siginfo (SA_SIGINFO).
static atomic_uintptr_t program_handlers[kMaxSignal];
static atomic_uint8_t program_takes_info[kMaxSignal];

static bool Catchable(int sig) { return sig > 0 && sig < kMaxSignal; }

static void SignalEdge(int sig, bool release) {
  ScopedRaceEdge edge;
  RaceThread *thr = edge.thread();  // null: untracked (RaceRelease)
  if (release)
    RaceRelease(thr, kSignalSyncKeys + sig);
  else
    RaceAcquire(thr, kSignalSyncKeys + sig);
}

static void Trampoline(int sig, siginfo_t *info, void *context) {
  uptr handler = atomic_load(&program_handlers[sig], memory_order_acquire);
  bool takes_info = atomic_load(&program_takes_info[sig], memory_order_relaxed);
  if (SyncTracked())  // false inside the runtime's edge work on this thread
    SignalEdge(sig, false);
  // A concurrent sigaction may have just put back a default: nothing to run.
  if (handler == reinterpret_cast<uptr>(SIG_DFL) ||
      handler == reinterpret_cast<uptr>(SIG_IGN))
    return;
  if (takes_info)
    reinterpret_cast<InfoHandler>(handler)(sig, info, context);
  else
    reinterpret_cast<PlainHandler>(handler)(sig);
}

static uptr HandlerOf(const struct sigaction *act) {
  return act->sa_flags & SA_SIGINFO
             ? reinterpret_cast<uptr>(act->sa_sigaction)
             : reinterpret_cast<uptr>(act->sa_handler);
}

// The program's view of an action the kernel reports: the handler the
// trampoline stands for, `handler` (with `takes_info`).
static void ShowProgramHandler(struct sigaction *old, uptr handler,
                               bool takes_info) {
  if (!old || old->sa_sigaction != Trampoline)
    return;
  if (takes_info) {
    old->sa_sigaction = reinterpret_cast<InfoHandler>(handler);
  } else {
    old->sa_flags &= ~SA_SIGINFO;
    old->sa_handler = reinterpret_cast<PlainHandler>(handler);
  }
}

static NOINLINE int SigactionTracked(int sig, const struct sigaction *act,
                                     struct sigaction *old) {
  if (!SyncTracked() || !Catchable(sig))
    return REAL(sigaction)(sig, act, old);
  uptr previous = atomic_load(&program_handlers[sig], memory_order_relaxed);
  bool previous_info =
      atomic_load(&program_takes_info[sig], memory_order_relaxed);
  struct sigaction wrapped;
  uptr handler = act ? HandlerOf(act) : 0;
  bool wraps = act && handler != reinterpret_cast<uptr>(SIG_DFL) &&
               handler != reinterpret_cast<uptr>(SIG_IGN);
  if (wraps) {
    atomic_store(&program_takes_info[sig], (act->sa_flags & SA_SIGINFO) != 0,
                 memory_order_relaxed);
    atomic_store(&program_handlers[sig], handler, memory_order_release);
    wrapped = *act;
    wrapped.sa_flags |= SA_SIGINFO;
    wrapped.sa_sigaction = Trampoline;
    act = &wrapped;
    SignalEdge(sig, true);
  }
  int result = REAL(sigaction)(sig, act, old);
  if (result != 0 && wraps) {
    atomic_store(&program_takes_info[sig], previous_info, memory_order_relaxed);
    atomic_store(&program_handlers[sig], previous, memory_order_release);
  }
  if (result == 0)
    ShowProgramHandler(old, previous, previous_info);
  return result;
}

// signal() is BSD's: the signal blocked while its handler runs, and
// interrupted calls restarted (glibc's own definition).
static NOINLINE sighandler_t SignalTracked(sighandler_t (**real)(int,
                                                                  sighandler_t),
                                           int sig, sighandler_t handler) {
  if (!SyncTracked())
    return (*real)(sig, handler);
  struct sigaction act = {};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  if (Catchable(sig))
    sigaddset(&act.sa_mask, sig);
  act.sa_flags = SA_RESTART;
  struct sigaction old;
  if (SigactionTracked(sig, &act, &old) != 0)
    return SIG_ERR;
  return old.sa_handler;
}

// kill and friends: the sender releases the signal's sync object first.
template <typename... Args>
static NOINLINE int ReleaseSignalThenCall(int (**real)(Args...), int sig,
                                          Args... args) {
  if (SyncTracked() && Catchable(sig))
    SignalEdge(sig, true);
  return (*real)(args...);
}

}  // namespace __cgosan

using namespace __cgosan;

INTERCEPTOR(int, sigaction, int sig, const struct sigaction *act,
            struct sigaction *old) {
  if (LIKELY(PassThrough()))
    return REAL(sigaction)(sig, act, old);
  return SigactionTracked(sig, act, old);
}

INTERCEPTOR(sighandler_t, signal, int sig, sighandler_t handler) {
  if (LIKELY(PassThrough()))
    return REAL(signal)(sig, handler);
  return SignalTracked(&REAL(signal), sig, handler);
}

INTERCEPTOR(int, kill, pid_t pid, int sig) {
  if (LIKELY(PassThrough()))
    return REAL(kill)(pid, sig);
  return ReleaseSignalThenCall(&REAL(kill), sig, pid, sig);
}

INTERCEPTOR(int, tgkill, pid_t tgid, pid_t tid, int sig) {
  if (LIKELY(PassThrough()))
    return REAL(tgkill)(tgid, tid, sig);
  return ReleaseSignalThenCall(&REAL(tgkill), sig, tgid, tid, sig);
}

INTERCEPTOR(int, pthread_kill, pthread_t thread, int sig) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_kill)(thread, sig);
  return ReleaseSignalThenCall(&REAL(pthread_kill), sig, thread, sig);
}

INTERCEPTOR(int, raise, int sig) {
  if (LIKELY(PassThrough()))
    return REAL(raise)(sig);
  return ReleaseSignalThenCall(&REAL(raise), sig, sig);
}

INTERCEPTOR(int, sigqueue, pid_t pid, int sig, const union sigval value) {
  if (LIKELY(PassThrough()))
    return REAL(sigqueue)(pid, sig, value);
  return ReleaseSignalThenCall(&REAL(sigqueue), sig, pid, sig, value);
}

INTERCEPTOR(int, pthread_sigqueue, pthread_t thread, int sig,
            const union sigval value) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_sigqueue)(thread, sig, value);
  return ReleaseSignalThenCall(&REAL(pthread_sigqueue), sig, thread, sig,
                               value);
}

namespace __cgosan {

void InterceptSignalFunctions() {
  CGOSAN_INTERCEPT(sigaction);
  CGOSAN_INTERCEPT(signal);
  CGOSAN_INTERCEPT(kill);
  CGOSAN_INTERCEPT(tgkill);
  CGOSAN_INTERCEPT(pthread_kill);
  CGOSAN_INTERCEPT(raise);
  CGOSAN_INTERCEPT(sigqueue);
  CGOSAN_INTERCEPT(pthread_sigqueue);
}

}  // namespace __cgosan
