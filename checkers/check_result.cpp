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
// A result into a G stack: into the returning callback's own frames (below
// where it entered its G) it always fails, since they are gone once it
// returns; into frames that outlive it (above the cgocall it was called back
// from) it is memory that cgocall keeps, as an argument's, and t's bytes are
// checked (a frame has no object to check whole); into another G's stack it
// fails (nothing keeps it; stack memory cannot be pinned). In the bytes
// checked, a pointer into the frames that outlive the callback is fine, into
// its own frames it fails.
// Allowed on purpose (golang/go#14426, #19928, #22788): a foreign pointer (Go's
// "return C.malloc(n)"), nil, and integers are not looked at, and foreign
// memory is never read. Cost: a non-managed result is one range compare (the
// arena and the G stacks are one range); a managed one is one FindObject and
// one pin lookup, plus the slot walk.
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgResultUnpinned[] =
    "result of %s is unpinned managed pointer";
static constexpr char kMsgResultIsReference[] =
    "result of %s is managed reference of type '%s', which foreign code may "
    "never hold";
static constexpr char kMsgResultHoldsUnpinned[] =
    "result of %s points to pinned memory holding unpinned managed pointer";
static constexpr char kMsgResultStackHoldsUnpinned[] =
    "result of %s points to stack memory holding unpinned managed pointer";
static constexpr char kMsgResultStackHoldsReference[] =
    "result of %s points to stack memory holding managed reference of type "
    "'%s'";
static constexpr char kMsgResultOwnStack[] =
    "result of %s points into the callback's own stack, which dangles once it "
    "returns";
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
  AddNote(&r, "%s\n", reference ? "" : NotHeldNote(obj));
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
    SetMessage(&r,
               f.checked_on_stack ? kMsgResultStackHoldsReference
                                  : kMsgResultHoldsReference,
               CalleeName(callee), TypeName(f.target.type));
  else
    SetMessage(&r,
               f.checked_on_stack ? kMsgResultStackHoldsUnpinned
                                  : kMsgResultHoldsUnpinned,
               CalleeName(callee));
  AddFindingNotes(&r, f);
  CaptureStack(&r.stack);
  EmitReport(r);
}

// The pinned result's whole object, one level, as a pinned slot's target is
// checked: pinned pointers are fine and not followed (Go:
// cgoCheckUnknownPointer under a pinned pointer), and so are pointers into
// the frames that outlive the callback. The result is the pointer that led
// there, so a finding is the object's own, not nested.
static bool CheckResultObject(const ObjectInfo &obj, Finding *f) {
  if (CheckPinnedTarget(obj, FramesKeptAfterCallback(), f))
    return true;
  f->nested = false;
  return false;
}

// A result into a G stack that fails as a pointer, whatever it points to.
enum StackResultProblem : u32 {
  kResultInOwnFrames,  // the returning callback's frames
  kResultInOtherG,     // another G's stack: nothing keeps it
  kResultIsReference,  // t is a managed reference
};

static NOINLINE void ReportStackResult(StackResultProblem problem,
                                       const cgosan_type *t, uptr p,
                                       const char *callee) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerInResult;
  r.callee = callee;
  const char *name = CalleeName(callee);
  AddNote(&r, "  ");
  if (problem == kResultIsReference) {
    SetMessage(&r, kMsgResultIsReference, name, TypeName(t));
    AppendStackValueDesc(&r, StackValue(p, t));
    AddNote(&r, "\n");
  } else {
    SetMessage(&r, problem == kResultInOwnFrames ? kMsgResultOwnStack
                                                 : kMsgResultUnpinned,
               name);
    AddNote(&r, "0x%zx is ", (usize)p);
    if (problem == kResultInOtherG) {
      AppendUnpinnableStack(&r, p);
    } else {
      AddNote(&r, "in ");
      AppendStackPlace(&r, p);
      AddNote(&r, "\n");
    }
  }
  CaptureStack(&r.stack);
  EmitReport(r);
}

static NOINLINE void ReportResultType(const cgosan_type *t, const char *callee) {
  ErrnoSaver errno_saver;
  char where[160];
  internal_snprintf(where, sizeof(where), "of the result of %s",
                    CalleeName(callee));
  ReportMalformedType(where, t);
}

// p is in the G stacks' region.
static NOINLINE void CheckStackResult(uptr p, const cgosan_type *t,
                                      const char *callee) {
  G *g = GStackOwner(p);
  if (!g)
    return;
  G *self = CurrentG();
  if (g != self) {
    ReportStackResult(kResultInOtherG, t, p, callee);
    return;
  }
  if (IsRunningG(g) && p < g->entry_sp) {
    ReportStackResult(kResultInOwnFrames, t, p, callee);
    return;
  }
  // Frames that outlive the callback: t's bytes, like a pinned result's.
  if (IsReferenceType(t)) {
    ReportStackResult(kResultIsReference, t, p, callee);
    return;
  }
  if (!t || t->ptrdata == 0)
    return;  // untyped: a frame's extent and layout are unknown
  if (UNLIKELY(!IsWellFormedType(t))) {
    ReportResultType(t, callee);
    return;
  }
  ObjectInfo value = StackValue(p, t);
  value.size = StackValuePtrEnd(g, p, t) - p;  // no further than the stack
  Finding f;
  f.checked_on_stack = true;
  if (CheckResultObject(value, &f))
    return;
  f.holder.size = t->size;  // described as the value it is
  ReportResultHolds(f, callee);
}

// p is outside the arena and the G stacks, and a foreign heap is registered:
// a result into one of its objects must be one foreign code may hold (whose
// contents its collector scans, so nothing under it is followed).
static NOINLINE void CheckForeignResult(uptr p, const cgosan_type *t,
                                        const char *callee) {
  ObjectInfo obj;
  if (FindForeignObject(p, &obj) && !obj.pinned)
    ReportResultItself(obj, t, p, IsReferenceType(t), callee);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_result(
    const void *p, const cgosan_type *t, const char *callee) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (UNLIKELY(CgoCheckLevel() == 0) || !InCheckedRange(addr))
    return;
  if (UNLIKELY(!InArena(addr))) {
    if (InManagedRange(addr))
      CheckStackResult(addr, t, callee);
    else
      CheckForeignResult(addr, t, callee);
    return;
  }
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
