// signal_linux.cpp — G stack overflow becomes a report, not a bare SIGSEGV.
//
// Every G stack has a PROT_NONE guard page below it. A fault inside the guard
// page of the G the faulting thread runs is a stack overflow: the handler,
// running on the M's signal stack, reports stack-overflow with the stack of the
// overflowing G (unwound from the signal context) and ends the process. A
// SIGSEGV on a page retention=full protects goes to that checker
// (hooks.protected_page_fault), which reports or opens the page. Any
// other SIGSEGV/SIGBUS is not ours: the handler puts back the action that was
// there before and returns, so the fault repeats into the program's own
// handler or the default action (a core dump), exactly as without cgosan.
// With retention=full the program's handler (one installed before cgosan's)
// is called instead, so that retention's later faults still come here.
// Cost: nothing until a fault.
#include <signal.h>

#include "hooks.h"
#include "report.h"
#include "rtl.h"
#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_linux.h"
#include "sanitizer_common/sanitizer_posix.h"

namespace __cgosan {

static constexpr char kMsgStackOverflow[] =
    "G %llu overflowed its %zu-byte stack: access to %p hit the guard page";

static struct sigaction previous_segv, previous_bus;

static G *OverflowedG(uptr fault_addr) {
  G *g = CurrentG();
  if (!g || fault_addr < g->guard_lo || fault_addr >= g->stack_lo)
    return nullptr;
  return g;
}

static NORETURN void ReportStackOverflow(G *g, uptr fault_addr, void *context) {
  ReportDesc r = {};
  r.kind = kStackOverflow;
  SetMessage(&r, kMsgStackOverflow, (unsigned long long)g->id,
             (usize)(g->stack_hi - g->stack_lo),
             reinterpret_cast<void *>(fault_addr));
  CaptureStackFromSignal(&r.stack, context);
  AddNote(&r,
          "  G %llu stack is [%p, %p), guard page [%p, %p); if the depth is "
          "intended, raise CGOSAN_OPTIONS=stack_size\n",
          (unsigned long long)g->id, reinterpret_cast<void *>(g->stack_lo),
          reinterpret_cast<void *>(g->stack_hi),
          reinterpret_cast<void *>(g->guard_lo),
          reinterpret_cast<void *>(g->stack_lo));
  EmitFatalReport(r);
}

static void DeadlySignalHandler(int signo, siginfo_t *info, void *context) {
  int saved_errno = GetErrno();
  uptr fault_addr = reinterpret_cast<uptr>(info->si_addr);
  if (G *g = OverflowedG(fault_addr))
    ReportStackOverflow(g, fault_addr, context);
  if (signo == SIGSEGV && hooks.protected_page_fault &&
      hooks.protected_page_fault(fault_addr, context)) {
    SetErrno(saved_errno);
    return;  // a page retention protects: the access runs again
  }
  struct sigaction *previous = signo == SIGSEGV ? &previous_segv : &previous_bus;
  if (hooks.protected_page_fault && (previous->sa_flags & SA_SIGINFO) &&
      previous->sa_sigaction) {
    // Retention's faults must keep coming here: call the program's handler
    // instead of handing it the signal for good.
    SetErrno(saved_errno);
    previous->sa_sigaction(signo, info, context);
    return;
  }
  if (hooks.protected_page_fault && !(previous->sa_flags & SA_SIGINFO) &&
      previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
    SetErrno(saved_errno);
    previous->sa_handler(signo);
    return;
  }
  // Not ours: restore what was there and let the fault happen again.
  internal_sigaction(signo, previous, nullptr);
  SetErrno(saved_errno);
}

static void Install(int signo, struct sigaction *previous) {
  struct sigaction sa = {};
  sa.sa_sigaction = DeadlySignalHandler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  internal_sigemptyset(reinterpret_cast<__sanitizer_sigset_t *>(&sa.sa_mask));
  CHECK_EQ(internal_sigaction(signo, &sa, previous), 0);
}

void InstallDeadlySignalHandlers() {
  if (common_flags()->handle_segv)
    Install(SIGSEGV, &previous_segv);
  if (common_flags()->handle_sigbus)
    Install(SIGBUS, &previous_bus);
}

}  // namespace __cgosan
