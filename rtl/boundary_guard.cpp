// boundary_guard.cpp — the one unit of the runtime built with exceptions.
//
// Rule: no C++ exception may unwind across a boundary. Foreign frames were
// compiled by anyone, maybe as C without unwind tables or cleanups, and the
// runtime's own state (the M's current G, the g0 stack pointer, the G's
// status) would be left describing a call that no longer exists. Go has the
// same problem with panics and solves it in unwindm/badcgocallback; cgosan
// catches at each crossing instead:
//   cgosan_run's fn       (managed code escaping into the thread's C caller)
//   cgosan_cgocall's fn   (foreign code throwing into managed frames)
//   cgosan_cgocallback's  (managed code throwing into foreign frames)
// Allowed on purpose: exceptions thrown and caught on one side. Forced unwinds
// (pthread_exit, pthread_cancel) are rethrown: they cannot be stopped; the
// runtime reports the dead G when the thread's M is released.
// Cost: none on the normal path (zero-cost exception tables).
#include <cxxabi.h>
#include <stdlib.h>

#include <typeinfo>

#include "report.h"
#include "rtl.h"

namespace __cgosan {

static const char *const kBoundaryDescriptions[] = {
    /*kBoundaryRun=*/"escaped the function run by cgosan_run",
    /*kBoundaryCgocall=*/"thrown by the foreign function of cgosan_cgocall",
    /*kBoundaryCallback=*/"escaped the managed callback of cgosan_cgocallback",
};
static const char *const kBoundaryCrossing[] = {
    /*kBoundaryRun=*/"the frames that called cgosan_run",
    /*kBoundaryCgocall=*/"the managed frames that made the call",
    /*kBoundaryCallback=*/"the foreign frames that called back",
};

static void ReportEscapedException(const GuardedCall &call) {
  // The type's name is demangled before the report starts; this is the C++
  // runtime's own memory, like the exception object it describes.
  const std::type_info *type = abi::__cxa_current_exception_type();
  const char *mangled = type ? type->name() : "?";
  int status = 0;
  char *demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  ReportDesc r = {};
  r.kind = kUnwindAcrossBoundary;
  SetMessage(&r, "C++ exception of type '%s' %s and would unwind through %s",
             demangled ? demangled : mangled,
             kBoundaryDescriptions[call.boundary],
             kBoundaryCrossing[call.boundary]);
  free(demangled);
  CaptureStack(&r.stack);
  char fn_name[256];
  if (!FunctionNameAt(reinterpret_cast<uptr>(call.fn), fn_name, sizeof(fn_name)))
    internal_strlcpy(fn_name, "<unknown>", sizeof(fn_name));
  AddNote(&r, "  the function was %s (%p); the exception was stopped at the "
              "boundary\n",
          fn_name, reinterpret_cast<void *>(call.fn));
  EmitReport(r);
}

void CallGuarded(void *guarded_call) {
  const GuardedCall &call = *static_cast<const GuardedCall *>(guarded_call);
  // Managed code entered here is named in stacks even if it tail-calls away
  // its own frame (entry_frames.h); not once it has left, by an exception.
  uptr depth = call.boundary == kBoundaryCgocall
                   ? EntryDepth()
                   : EnterFrame(reinterpret_cast<uptr>(__builtin_frame_address(0)),
                                reinterpret_cast<uptr>(call.fn));
  try {
    call.fn(call.arg);
  } catch (abi::__forced_unwind &) {
    throw;
  } catch (...) {
    LeaveFrame(depth);
    ReportEscapedException(call);
  }
  LeaveFrame(depth);
}

}  // namespace __cgosan
