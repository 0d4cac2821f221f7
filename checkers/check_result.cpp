// check_result.cpp — rule 3: a managed callback must not return to foreign
// code an unpinned managed pointer, or a pointer to memory holding one (Go's
// cgoCheckResult: cgoCheckArg with top = false). Unlike an argument, the
// returned pointer itself must be pinned: no call is in flight to keep its
// object alive once the callback returns. A pinned result is followed one
// level, like a pinned slot of an argument: the whole object it points into
// (or ends), whatever t says, as Go's cgoCheckResult checks a pointer result
// (cgoCheckUnknownPointer), may hold nil, foreign or pinned pointers (not
// followed further), not unpinned ones; foreign code may reach any field of
// it. t still says whether the result is a managed reference
// (CGOSAN_TYPE_REFERENCE), never returned, pinned or not. A result returned
// by value (Go's string or struct results) is checked one pointer field at a
// time by the call site.
// Allowed on purpose (golang/go#14426, #19928, #22788): a foreign pointer (Go's
// "return C.malloc(n)"), nil, and integers are not looked at, and foreign
// memory is never read. Cost: a non-managed result is one range compare; a
// managed one is one FindObject and one pin lookup, plus the slot walk.
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgResultUnpinned[] =
    "result of %s is unpinned managed pointer";
static constexpr char kMsgResultIsReference[] =
    "result of %s is managed reference of type '%s', which foreign code may "
    "never hold";
static constexpr char kMsgResultHoldsUnpinned[] =
    "result of %s points to pinned memory holding unpinned managed pointer";
static constexpr char kMsgResultHoldsReference[] =
    "result of %s points to pinned memory holding managed reference of type "
    "'%s'";

static NOINLINE void ReportResultItself(const ObjectInfo &obj,
                                        const cgosan_type *t, uptr p,
                                        bool reference, const char *callee) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerInResult;
  r.callee = callee;
  if (reference)
    SetMessage(&r, kMsgResultIsReference, CalleeName(callee),
               TypeName(IsReferenceType(t) ? t : obj.type));
  else
    SetMessage(&r, kMsgResultUnpinned, CalleeName(callee));
  AddNote(&r, "  0x%zx is ", (usize)p);
  AppendPointee(&r, p, obj);
  AddNote(&r, reference ? "\n" : ", not pinned\n");
  AddAllocationStack(&r, obj);
  CaptureStack(&r.stack);
  EmitReport(r);
}

static NOINLINE void ReportResultHolds(const Finding &f, const char *callee) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerInResult;
  r.callee = callee;
  if (f.verdict == kSlotReference)
    SetMessage(&r, kMsgResultHoldsReference, CalleeName(callee),
               TypeName(f.target.type));
  else
    SetMessage(&r, kMsgResultHoldsUnpinned, CalleeName(callee));
  AddFindingNotes(&r, f);
  CaptureStack(&r.stack);
  EmitReport(r);
}

// The pinned result's whole object, one level, as a pinned slot's target is
// checked: pinned pointers are fine and not followed (Go:
// cgoCheckUnknownPointer under a pinned pointer). The result is the pointer
// that led there, so a finding is the object's own, not nested.
static bool CheckResultObject(const ObjectInfo &obj, Finding *f) {
  if (CheckPinnedTarget(obj, f))
    return true;
  f->nested = false;
  return false;
}

static NOINLINE void ReportResultType(const cgosan_type *t, const char *callee) {
  ErrnoSaver errno_saver;
  char where[160];
  internal_snprintf(where, sizeof(where), "of the result of %s",
                    CalleeName(callee));
  ReportMalformedType(where, t);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_result(
    const void *p, const cgosan_type *t, const char *callee) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (UNLIKELY(CgoCheckLevel() == 0) || !InArena(addr))
    return;
  ObjectInfo obj;
  if (!FindReferent(addr, &obj))
    return;
  bool reference = IsReferenceType(t) || IsReferenceType(obj.type);
  if (UNLIKELY(reference || !obj.pinned)) {
    ReportResultItself(obj, t, addr, reference, callee);
    return;
  }
  if (UNLIKELY(t && !IsWellFormedType(t))) {
    ReportResultType(t, callee);
    return;
  }
  Finding f;
  if (!CheckResultObject(obj, &f))
    ReportResultHolds(f, callee);
}
