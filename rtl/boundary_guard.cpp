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
// The assembly crossings (asm/crossing_amd64.S, asm/callback_amd64.S) have
// no C++ frame to put a try block in: their FDE names
// cgosan_crossing_personality below, which stops an exception there the
// same way, at the landing pad the routine's language-specific data gives.
// Cost: none on the normal path (zero-cost exception tables).
#include <cxxabi.h>
#include <stdlib.h>
#include <unwind.h>

#include <typeinfo>

#include "crossing_layout.h"
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

using namespace __cgosan;

static_assert(__builtin_eh_return_data_regno(0) == CGOSAN_EH_DATA_REGNO,
              "the landing pad of asm/crossing_amd64.S takes the exception "
              "in the register crossing_layout.h names");

// The personality of the assembly crossings, called by the unwinder for
// their frame. Their language-specific data is two offsets, each from its
// own word: the return address of fn's call (the only place an exception
// can come from) and the landing pad. A forced unwind passes (as the try
// block above rethrows it); anything else thrown out of fn is caught there.
extern "C" _Unwind_Reason_Code cgosan_crossing_personality(
    int version, _Unwind_Action actions, _Unwind_Exception_Class,
    _Unwind_Exception *exception, _Unwind_Context *context) {
  if (version != 1)
    return _URC_FATAL_PHASE1_ERROR;
  if (actions & _UA_FORCE_UNWIND)
    return _URC_CONTINUE_UNWIND;
  const s32 *lsda =
      static_cast<const s32 *>(_Unwind_GetLanguageSpecificData(context));
  uptr call_returned = reinterpret_cast<uptr>(&lsda[0]) + lsda[0];
  uptr landing_pad = reinterpret_cast<uptr>(&lsda[1]) + lsda[1];
  if (_Unwind_GetIP(context) != call_returned)
    return _URC_CONTINUE_UNWIND;
  if (actions & _UA_SEARCH_PHASE)
    return _URC_HANDLER_FOUND;
  if (!(actions & _UA_HANDLER_FRAME))
    return _URC_CONTINUE_UNWIND;
  _Unwind_SetGR(context, __builtin_eh_return_data_regno(0),
                reinterpret_cast<uptr>(exception));
  _Unwind_SetIP(context, landing_pad);
  return _URC_INSTALL_CONTEXT;
}

// The landing pads' work: the exception fn threw is caught, reported as the
// try block above reports it, and ended.
static void CatchAtLandingPad(_Unwind_Exception *exception, cgosan_fn fn,
                              Boundary boundary) {
  abi::__cxa_begin_catch(exception);
  ReportEscapedException({fn, nullptr, boundary});
  abi::__cxa_end_catch();
}

extern "C" void cgosan_crossing_caught(_Unwind_Exception *exception,
                                       cgosan_fn fn) {
  CatchAtLandingPad(exception, fn, kBoundaryCgocall);
}

extern "C" void cgosan_callback_caught(_Unwind_Exception *exception,
                                       cgosan_fn fn) {
  CatchAtLandingPad(exception, fn, kBoundaryCallback);
}
