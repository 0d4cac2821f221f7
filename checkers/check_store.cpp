// check_store.cpp — rule 4 (cgocheck=2): managed code must not store an
// unpinned managed pointer into memory that is not managed (Go's
// cgoCheckPtrWrite, cgoCheckMemmove, cgoCheckTypedBlock / cgoCheckBits).
// The collector cannot see foreign memory, so the object may be freed while
// foreign code still holds it. cgosan_check_store judges one pointer store;
// cgosan_check_memmove a copy, whose pointer slots are those of the managed
// objects it copies from (the heap's map); cgosan_check_memmove_typed a copy
// whose call site says the copied type (Go's typed copy): the heap's map
// still judges a managed source, the type's map any other (a local, a
// global, foreign memory), which only the type can describe. G stacks are
// managed memory (Go's cgoIsGoPointer covers them): a pointer into any live
// G stack stored or copied into foreign memory fails, since stack memory
// cannot be pinned and its frame ends. Fine on purpose: stores into managed
// memory (the heap, any live G's stack) and into slots registered with
// cgosan_add_root; of nil, integers and foreign pointers; of pinned pointers
// (Go's Pinner rule); and any store by code not running on a G (foreign
// code, as Go skips g0). A managed reference (CGOSAN_TYPE_REFERENCE) never
// goes to foreign memory, pinned or not. An untyped copy never reads foreign
// memory, so uninitialised foreign memory cannot trip it; a typed copy reads
// its source by the type, as the copy itself does. Cost: off by default;
// with cgocheck=2, a range compare for a non-managed value (the arena and
// the G stacks are one range), else one FindObject and one pin lookup (or
// one G table load); a copy walks the source's pointer slots, in the heap's
// map or the type's.
#include "hidden_pointers.h"

namespace __cgosan {

static constexpr char kMsgStoreUnpinned[] =
    "managed code stored unpinned managed pointer 0x%zx into non-managed "
    "memory at 0x%zx";
static constexpr char kMsgStoreReference[] =
    "managed code stored managed reference 0x%zx of type '%s' into "
    "non-managed memory at 0x%zx";
static constexpr char kMsgCopyUnpinned[] =
    "managed code copied unpinned managed pointer 0x%zx into non-managed "
    "memory at 0x%zx (a %zu-byte copy from 0x%zx)";
static constexpr char kMsgCopyReference[] =
    "managed code copied managed reference 0x%zx of type '%s' into "
    "non-managed memory at 0x%zx (a %zu-byte copy from 0x%zx)";

static constexpr char kNoteCopiedType[] =
    "  the copied type '%s' has a pointer at offset %zu\n";
static constexpr char kWhereTypedCopy[] = "given to cgosan_check_memmove_typed";

static constexpr char kNoteUnseen[] =
    "  the collector does not scan 0x%zx: the object may be freed while the "
    "pointer stays there\n";
static constexpr char kNoteFrameEnds[] =
    "  0x%zx keeps it after its frame returns, when the stack memory is "
    "reused\n";

// The destination [dst, dst + n) is where managed pointers may go: the heap
// or a live G's stack. skip: not on a running G, so nothing is checked
// (foreign code, g0, as Go's cgoCheckPtrWrite).
static ALWAYS_INLINE bool ManagedSide(uptr dst, uptr n, bool *skip) {
  *skip = !IsRunningG(CurrentG());
  if (*skip || InArena(dst))
    return true;
  return InManagedRange(dst) && InLiveGStack(dst, n);
}

static NOINLINE void ReportStore(uptr slot, uptr value,
                                 const ObjectInfo &target, SlotVerdict v) {
  // Slots registered with cgosan_add_root are the sanctioned place for a
  // managed pointer outside the heap; asked last, only before a report (Go's
  // inPersistentAlloc is asked last for the same reason).
  if (IsRootSlot(slot))
    return;
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerStore;
  if (v == kSlotReference)
    SetMessage(&r, kMsgStoreReference, (usize)value, TypeName(target.type),
               (usize)slot);
  else
    SetMessage(&r, kMsgStoreUnpinned, (usize)value, (usize)slot);
  AddNote(&r, "  0x%zx is ", (usize)value);
  if (v == kSlotStack) {
    AppendUnpinnableStack(&r, value);
    AddNote(&r, kNoteFrameEnds, (usize)slot);
  } else {
    AppendPointee(&r, value, target);
    AddNote(&r, v == kSlotReference
                    ? ", a managed reference (never allowed, pinned or not)\n"
                    : ", not pinned\n");
    AddNote(&r, kNoteUnseen, (usize)slot);
    AddAllocationStack(&r, target);
  }
  CaptureStack(&r.stack);
  EmitReport(r);
}

// `typed`: the type the call site gave for the copy, which found the slot
// (the source is not managed), or NULL.
static NOINLINE void ReportCopy(const Finding &f, uptr dst, uptr src, uptr n,
                                const cgosan_type *typed) {
  uptr to = dst + (f.slot - src);
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerStore;
  if (f.verdict == kSlotReference)
    SetMessage(&r, kMsgCopyReference, (usize)f.value, TypeName(f.target.type),
               (usize)to, (usize)n, (usize)src);
  else
    SetMessage(&r, kMsgCopyUnpinned, (usize)f.value, (usize)to, (usize)n,
               (usize)src);
  if (typed)
    AddNote(&r, kNoteCopiedType, TypeName(typed),
            (usize)((f.slot - src) % typed->size));
  AddFindingNotes(&r, f);
  AddNote(&r, f.verdict == kSlotStack ? kNoteFrameEnds : kNoteUnseen,
          (usize)to);
  CaptureStack(&r.stack);
  EmitReport(r);
}

// Calls visit(slot_address) for each pointer slot of t in the n bytes at
// `from`, read as values of t in a row; a slot must lie whole in them.
template <typename Visit>
static bool WalkTypedBlock(const cgosan_type *t, uptr from, uptr n, Visit visit) {
  const uptr ptrwords = (t->ptrdata + kWord - 1) / kWord;
  for (uptr e = 0; e < n; e += t->size) {
    for (uptr w = 0; w < ptrwords; w++) {
      if (!(t->ptrmask[w / 8] >> (w % 8) & 1))
        continue;
      uptr off = e + w * kWord;
      if (off + kWord > n)
        return true;
      if (!visit(from + off))
        return false;
    }
  }
  return true;
}

// A word the copy writes to `to_slot`: fine unless it holds an unpinned
// managed pointer or a reference, and `to_slot` is not a root slot (asked
// last, as by ReportStore; a root takes only its own word, the copy's others
// are still checked). Fills f (holder: `holder`, when the source is managed)
// otherwise.
static ALWAYS_INLINE bool CopiedWordIsFine(uptr a, uptr to_slot,
                                           const ObjectInfo *holder,
                                           Finding *f) {
  uptr value = LoadWord(a);
  ObjectInfo target;
  SlotVerdict v = JudgeValue(value, NoFramesKept(), &target);
  if (v == kSlotFine || v == kSlotPinned || IsRootSlot(to_slot))
    return true;
  if (target.heap != kOwnHeap)
    return true;  // a foreign heap's object: CheckForeignCopy judged it
  if (holder)
    return RecordBadSlot(f, v, *holder, a, value, target, false);
  *f = Finding();
  f->verdict = v;
  f->slot = a;
  f->value = value;
  f->target = target;
  return false;
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_store(void **slot,
                                                                 void *val) {
  uptr value = reinterpret_cast<uptr>(val);
  uptr dst = reinterpret_cast<uptr>(slot);
  if (LIKELY(CgoCheckLevel() < 2) || !InCheckedRange(value))
    return;
  if (UNLIKELY(!InManagedRange(value))) {  // only with a foreign heap
    CheckForeignStore(dst, value, 0, 0);
    return;
  }
  bool skip;
  if (ManagedSide(dst, kWord, &skip) || skip)
    return;
  ObjectInfo target;
  SlotVerdict v = JudgeValue(value, NoFramesKept(), &target);
  if (v == kSlotUnpinned || v == kSlotReference || v == kSlotStack)
    ReportStore(dst, value, target, v);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_memmove(
    void *dst, const void *src, size_t n) {
  if (LIKELY(CgoCheckLevel() < 2) || n < kWord)
    return;
  uptr from = reinterpret_cast<uptr>(src);
  uptr to = reinterpret_cast<uptr>(dst);
  if (UNLIKELY(AnyForeignHeap()))
    CheckForeignCopy(to, from, n);
  uptr end = from + n < from ? ~(uptr)0 : from + n;
  // The part of the source in the arena: the copy may start below it.
  uptr first = Max(from, arena_start);
  if (first >= Min(end, arena_start + kArenaSize))
    return;
  bool skip;
  if (ManagedSide(to, n, &skip) || skip)
    return;
  // The copy may span several objects (and the gaps between them).
  for (uptr cur = first; cur < end && InArena(cur);) {
    ObjectInfo obj;
    if (!FindObject(cur, &obj)) {
      cur = RoundUpTo(cur + 1, kWord);
      continue;
    }
    uptr obj_end = obj.base + obj.size;
    uptr hi = obj_end < end ? obj_end : end;
    Finding f;
    bool ok = WalkObjectSlots(obj, cur, hi, [&](uptr a) {
      return CopiedWordIsFine(a, to + (a - from), &obj, &f);
    });
    if (!ok) {
      ReportCopy(f, to, from, n, nullptr);
      return;
    }
    cur = obj_end;
  }
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_check_memmove_typed(
    void *dst, const void *src, size_t n, const cgosan_type *t) {
  uptr from = reinterpret_cast<uptr>(src);
  if (LIKELY(CgoCheckLevel() < 2) || n < kWord)
    return;
  if (!t || InArena(from)) {
    cgosan_check_memmove(dst, src, n);  // the heap's map judges the heap
    return;
  }
  if (UNLIKELY(!CanAllocateArrayOf(t, n > t->size ? 2 : 1))) {
    ErrnoSaver errno_saver;
    ReportMalformedType(kWhereTypedCopy, t);
    return;
  }
  uptr to = reinterpret_cast<uptr>(dst);
  if (UNLIKELY(AnyForeignHeap()))
    CheckForeignCopy(to, from, n);
  if (t->ptrdata == 0)
    return;
  bool skip;
  if (ManagedSide(to, n, &skip) || skip)
    return;
  Finding f;
  if (!WalkTypedBlock(t, from, n, [&](uptr a) {
        return CopiedWordIsFine(a, to + (a - from), nullptr, &f);
      }))
    ReportCopy(f, to, from, n, t);
}
