// check_result.cpp — rule 3: a managed callback must not return to foreign
// code an unpinned managed pointer, or a pointer to memory holding one (Go's
// cgoCheckResult: cgoCheckArg with top = false). Unlike an argument, the
// returned pointer itself must be pinned: no call is in flight to keep its
// object alive once the callback returns. A pinned result is followed one
// level, like a pinned slot of an argument: t's bytes at p (or, with t NULL,
// the whole object) may hold nil, foreign or pinned pointers (not followed
// further), not unpinned ones. A managed reference (CGOSAN_TYPE_REFERENCE) is
// never returned, pinned or not. A result returned by value (Go's string or
// struct results) is checked one pointer field at a time by the call site.
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

// The pinned result's bytes, one level: pinned pointers are fine and not
// followed (Go: cgoCheckUnknownPointer under a pinned pointer).
template <bool kTyped>
static bool CheckResultRange(const ObjectInfo &obj, uptr lo, uptr hi,
                             const cgosan_type *t, Finding *f) {
  return WalkObjectSlots(obj, lo, hi, [&](uptr a) {
    if (kTyped && !IsTypeSlot(t, lo, a))
      return true;
    uptr value = *reinterpret_cast<const uptr *>(a);
    ObjectInfo target;
    SlotVerdict v = JudgeValue(value, &target);
    if (v == kSlotFine || v == kSlotPinned)
      return true;
    return RecordBadSlot(f, v, obj, a, value, target, false);
  });
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
  if (!FindObject(addr, &obj))
    return;
  bool reference = IsReferenceType(t) || IsReferenceType(obj.type);
  if (UNLIKELY(reference || !obj.pinned)) {
    ReportResultItself(obj, t, addr, reference, callee);
    return;
  }
  if (t && t->ptrdata == 0)
    return;
  if (UNLIKELY(t && !IsWellFormedType(t))) {
    ReportResultType(t, callee);
    return;
  }
  Finding f;
  bool ok;
  uptr end = obj.base + obj.size;
  if (t) {
    uptr hi = addr + t->ptrdata;
    if (hi > end || hi < addr)
      hi = end;
    ok = CheckResultRange<true>(obj, addr, hi, t, &f);
  } else {
    ok = CheckResultRange<false>(obj, obj.base, end, nullptr, &f);
  }
  if (!ok)
    ReportResultHolds(f, callee);
}
