// check_arg.cpp — rule 1: managed memory passed to foreign code must not
// contain unpinned managed pointers (Go's cgoCheckPointer / cgoCheckArg /
// cgoCheckUnknownPointer). The argument itself may be unpinned: the call pins
// it. The call site picks what is checked: t's bytes at p (a field, or n
// elements of an array), or with t NULL the whole object p points into. In
// those bytes, a slot the heap's map and t's ptrmask both call a pointer may
// hold nil, a foreign pointer, or a pinned managed pointer, whose object is
// then checked one level (pinning is not transitive); an unpinned managed
// pointer fails, and so does a managed reference (CGOSAN_TYPE_REFERENCE: Go's
// maps, channels, funcs) anywhere, pinned or not, the argument included.
// G stacks are managed memory too (Go's cgoIsGoPointer): a typed p into a
// live G stack has t's slots checked as an object's would be, and a slot
// pointing into a G stack fails (stack memory cannot be pinned) unless it
// points into the frames the call keeps, the caller's and up, where the G
// parks (KeptFrames: as safe as the argument). An untyped p into a stack
// checks nothing: a frame has no map, and a conservative look at its words
// would report what other locals hold (Go 1.19 checks nothing either:
// cgoCheckUnknownPointer knows only the heap and data/bss).
// Allowed on purpose (golang/go#14426, #19928, #22788): an integer that looks
// like a pointer (not a pointer slot), a pointer into foreign memory, and
// foreign memory itself, initialised or not, are never read or reported.
// Cost: a non-managed p is one range compare (the arena and the G stacks are
// one range); a type without pointers stops before the heap lookup, and so
// does an untyped p into a span of pointer-free objects (the span lookup and
// its noscan byte, inline: span_lookup.h); otherwise that same span gives
// the object's shape (FindReferentShape; or one G table load) and one step
// per non-zero ptrmask byte range-compares its eight words together with no
// branch each, four SSE2 compares for a whole byte (scan.h,
// CheckedRangeBits8, AnyCheckedSlot). Only a slot
// holding a value in the checked range is judged: nil, integers and foreign
// pointers cost one compare, no heap lookup.
#include "retention.h"
#include "scan.h"

namespace __cgosan {

static constexpr char kMsgArgUnpinned[] =
    "argument %d of %s has managed pointer to unpinned managed pointer";
static constexpr char kMsgArgReference[] =
    "argument %d of %s has managed pointer to managed reference of type '%s'";
static constexpr char kMsgArgNestedUnpinned[] =
    "argument %d of %s has managed pointer to pinned memory holding unpinned "
    "managed pointer";
static constexpr char kMsgArgNestedReference[] =
    "argument %d of %s has managed pointer to pinned memory holding managed "
    "reference of type '%s'";
static constexpr char kMsgArgIsReference[] =
    "argument %d of %s is managed reference of type '%s', which foreign code "
    "may never hold";

static NOINLINE void ReportArgument(const Finding &f, const char *callee,
                                    int argno) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerInArgument;
  r.callee = callee;
  const char *name = CalleeName(callee);
  const char *target_type = TypeName(f.target.type);
  if (f.verdict == kSlotReference)
    SetMessage(&r, f.nested ? kMsgArgNestedReference : kMsgArgReference, argno,
               name, target_type);
  else
    SetMessage(&r, f.nested ? kMsgArgNestedUnpinned : kMsgArgUnpinned, argno,
               name);
  AddFindingNotes(&r, f);
  CaptureStack(&r.stack);
  EmitReport(r);
}

// obj is a heap object, or with on_stack the StackValue at p.
static NOINLINE void ReportArgumentIsReference(const ObjectInfo &obj,
                                               bool on_stack,
                                               const cgosan_type *t, uptr p,
                                               const char *callee, int argno) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerInArgument;
  r.callee = callee;
  SetMessage(&r, kMsgArgIsReference, argno, CalleeName(callee),
             TypeName(IsReferenceType(t) ? t : obj.type));
  AddNote(&r, "  ");
  if (on_stack) {
    AppendStackValueDesc(&r, obj);
  } else {
    AddNote(&r, "0x%zx is ", (usize)p);
    AppendPointee(&r, p, obj);
  }
  AddNote(&r, "\n");
  if (!on_stack)
    AddAllocationStack(&r, obj);
  CaptureStack(&r.stack);
  EmitReport(r);
}

static NOINLINE void ReportArgumentType(const cgosan_type *t, const char *callee,
                                        int argno) {
  ErrnoSaver errno_saver;
  char where[160];
  internal_snprintf(where, sizeof(where), "of argument %d of %s", argno,
                    CalleeName(callee));
  ReportMalformedType(where, t);
}

// p is in the G stacks' region: t's bytes there, if t is given and p is in a
// live G's stack.
static NOINLINE void CheckStackArgument(uptr p, const cgosan_type *t,
                                        KeptFrames keep, const char *callee,
                                        int argno) {
  G *g = t ? GStackOwner(p) : nullptr;
  if (!g)
    return;  // untyped: a frame's extent and layout are unknown
  ObjectInfo value = StackValue(p, t);
  if (UNLIKELY(IsReferenceType(t))) {
    ReportArgumentIsReference(value, true, t, p, callee, argno);
    return;
  }
  Finding f;
  f.checked_on_stack = true;
  if (!CheckManagedRange<false>(value, p, StackValuePtrEnd(g, p, t), nullptr, 0,
                                keep, &f))
    ReportArgument(f, callee, argno);
}

// p is outside the arena and the G stacks, and a foreign heap is registered:
// an object of that heap is checked as one of cgosan's, unless foreign code
// may hold it (then its collector scans it, and what it points to stays).
static void CheckForeignArgument(uptr addr, const cgosan_type *t,
                                 KeptFrames keep, const char *callee,
                                 int argno) {
  ObjectInfo obj;
  if (!FindForeignObject(addr, &obj) || obj.pinned)
    return;
  Finding f;
  if (!CheckCallSiteRange(obj, addr, t, keep, &f))
    ReportArgument(f, callee, argno);
}

// The entry point's general half: p is managed, or with a foreign heap
// registered anywhere (InCheckedRange), and t (if any) reaches pointers. It
// also makes every report of an arena object: it looks the object up whole.
static NOINLINE void CheckManagedArgument(uptr addr, const cgosan_type *t,
                                          KeptFrames keep, const char *callee,
                                          int argno) {
  if (UNLIKELY(t && !IsWellFormedType(t))) {
    ReportArgumentType(t, callee, argno);
    return;
  }
  if (UNLIKELY(!InArena(addr))) {
    if (InManagedRange(addr))
      CheckStackArgument(addr, t, keep, callee, argno);
    else
      CheckForeignArgument(addr, t, keep, callee, argno);
    return;
  }
  ObjectInfo obj;
  if (!FindReferent(addr, &obj))
    return;
  if (UNLIKELY(IsReferenceType(t) || IsReferenceType(obj.type))) {
    ReportArgumentIsReference(obj, false, t, addr, callee, argno);
    return;
  }
  if (!t && (!obj.type || obj.type->ptrdata == 0))
    return;  // untyped, and the object holds no pointers
  Finding f;
  if (LIKELY(CheckCallSiteRange(obj, addr, t, keep, &f)))
    return;
  ReportArgument(f, callee, argno);
}

// CheckArenaArgument's rare half: a slot of obj in the call site's range
// holds a value in the checked range, to be judged.
static NOINLINE void CheckArenaSlots(const ObjectInfo &obj, uptr addr,
                                     const cgosan_type *t, KeptFrames keep,
                                     const char *callee, int argno) {
  Finding f;
  if (LIKELY(CheckCallSiteRange(obj, addr, t, keep, &f)))
    return;
  CheckManagedArgument(addr, t, keep, callee, argno);
}

// The common case of an arena p, whose span s (null: none) the entry point
// found: the object's shape from s (no second span lookup, no pin or
// allocation stack), then the slots' range compares. Anything to judge goes
// to CheckArenaSlots, anything to report to CheckManagedArgument, which
// looks again and judges again with the whole object.
static NOINLINE void CheckArenaArgument(const Span *s, uptr addr,
                                        const cgosan_type *t, uptr caller_sp,
                                        const char *callee, int argno) {
  KeptFrames keep = FramesKeptByCall(caller_sp);
  if (UNLIKELY(t && !IsWellFormedType(t)))
    return CheckManagedArgument(addr, t, keep, callee, argno);
  ObjectInfo obj;
  if (!FindReferentShape(s, addr, &obj))
    return;
  if (UNLIKELY(IsReferenceType(t) || IsReferenceType(obj.type)))
    return CheckManagedArgument(addr, t, keep, callee, argno);
  uptr lo, hi;
  CallSiteRange(obj, addr, t, &lo, &hi);
  if (UNLIKELY(AnyCheckedSlot(obj, lo, hi)))
    CheckArenaSlots(obj, addr, t, keep, callee, argno);
  // else every pointer slot holds nil, an integer or a foreign pointer
}

// Everything after the lend note, inline in the entry points: no call but a
// tail call, so the fast returns save no register. caller_sp: the entry
// point's caller's stack pointer (CGOSAN_CALLER_SP).
ALWAYS_INLINE void CheckArgument(uptr addr, const cgosan_type *t,
                                 uptr caller_sp, const char *callee, int argno) {
  if (UNLIKELY(CgoCheckLevel() == 0))
    return;
  if (t && t->ptrdata == 0 && !IsReferenceType(t))
    return;  // the callee's type reaches no pointer (Go: !t.Pointers())
  if (UNLIKELY(!InArena(addr)))
    return CheckManagedArgument(addr, t, FramesKeptByCall(caller_sp), callee,
                                argno);
  const Span *s = SpanOf(addr);
  if (!t && (!s || IsNoScanSpan(s)))
    return;  // untyped, with no object there or into a span of pointer-free
             // objects: nothing to find
  CheckArenaArgument(s, addr, t, caller_sp, callee, argno);
}

// cgosan_check_arg with retention lending: the note, then the check.
static NOINLINE void NoteAndCheckArgument(uptr addr, const cgosan_type *t,
                                          uptr caller_sp, const char *callee,
                                          int argno) {
  NoteLent(addr, callee, argno);
  CheckArgument(addr, t, caller_sp, callee, argno);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_arg(
    const void *p, const cgosan_type *t, const char *callee, int argno) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (!InCheckedRange(addr))
    return;  // nil / foreign memory: nothing of ours to check
  if (UNLIKELY(__cgosan_lending))  // rule 2 (retention), even cgocheck=0
    return NoteAndCheckArgument(addr, t, CGOSAN_CALLER_SP(), callee, argno);
  CheckArgument(addr, t, CGOSAN_CALLER_SP(), callee, argno);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_arg_var(
    const void *p, const cgosan_type *pointee, const char *callee, int argno) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (!InCheckedRange(addr))
    return;
  NoteIfLent(addr, callee, argno);
  if (InArena(addr) || !InManagedRange(addr))
    return CheckArgument(addr, nullptr, CGOSAN_CALLER_SP(), callee, argno);
  if (UNLIKELY(CgoCheckLevel() == 0))
    return;
  if (pointee && (pointee->ptrdata || IsReferenceType(pointee))) {
    if (UNLIKELY(!IsWellFormedType(pointee)))
      ReportArgumentType(pointee, callee, argno);
    else
      CheckStackArgument(addr, pointee, FramesKeptByCall(CGOSAN_CALLER_SP()),
                         callee, argno);
  }
}
