// init.cpp — start-up of the runtime, and errno helpers.
//
// Initialize runs once: from the load-time constructor below when the library
// is loaded (so CGOSAN_OPTIONS=help=1 prints before main), and lazily from any
// entry point that runs first (a constructor of the user's that calls in).
#include <errno.h>
#include <stdio.h>

#include "fiber_switch.h"
#include "fork.h"
#include "frame_walk.h"
#include "gstack.h"
#include "hooks.h"
#include "heap/heap.h"
#include "heap/heap_registry.h"
#include "report.h"
#include "rtl.h"
#include "suppressions.h"
#include "sanitizer_common/sanitizer_flags.h"
#include "sanitizer_common/sanitizer_interface_internal.h"
#include "sanitizer_common/sanitizer_symbolizer.h"

namespace __cgosan {

atomic_uint8_t initialized;
static StaticSpinMutex init_mu;

ErrnoSaver::ErrnoSaver() : saved_(errno) {}
ErrnoSaver::~ErrnoSaver() { errno = saved_; }

// With halt_on_error=0 the process runs on after a report; it still must not
// pass CI, so it ends with exitcode. This runs inside exit(), before stdio is
// flushed: flush it first, or the program's buffered output (stdout to a pipe
// or file) is lost by the _exit.
static void Finalize() {
  PrintMatchedSuppressions();
  PrintRepeatedReportCount();
  if (SarifEnabled()) {
    ScopedErrorReportLock lock;
    FinishSarifLog();
  }
  if (ReportCount() > 0 && !flags()->halt_on_error) {
    fflush(nullptr);
    internal__exit(common_flags()->exitcode);
  }
}

void InitializeSlow() {
  ErrnoSaver errno_saver;
  SpinMutexLock l(&init_mu);
  if (atomic_load(&initialized, memory_order_relaxed))
    return;
  SanitizerToolName = "CgoSanitizer";
  CacheBinaryName();
  InitializeFlags();
  InitializePlatformEarly();
  __sanitizer_set_report_path(common_flags()->log_path);
  InitializeSarifLog();
  InitializeWorld();
  InitializeHeap();
  InitializeGStacks();
  InitializeFiberSwitch();
  CrossingHooksChanged();  // the flags and the program's sanitizer are known
  InitializeHeapRegistry();
  InitializeStackCapture();
  // The initial thread's stack bounds come from /proc/self/maps (glibc's
  // pthread_getattr_np, which sanitizer_common CHECKs): read them now, at
  // load, not first in a stack walk when the program may have no fd left.
  SystemStackOfThread();
  InitializeThreadExitHook();
  InstallDeadlySignalHandlers();
  Symbolizer::LateInitialize();
  Atexit(Finalize);
  InitializeFork();
  atomic_store(&initialized, 1, memory_order_release);
}

}  // namespace __cgosan

__attribute__((constructor)) static void cgosan_load_time_init() {
  __cgosan::EnsureInitialized();
}
