// scan.cpp — the out-of-line half of scan.h: following a pinned pointer one
// level, and describing findings in reports.
#include "scan.h"

namespace __cgosan {

// True when addr lies in the kept frames of the calling thread's G.
static bool InKeptFrames(uptr addr, KeptFrames keep) {
  G *g = CurrentG();
  if (!g || addr < g->stack_lo || addr >= g->stack_hi)
    return false;
  uptr lo;
  if (!IsRunningG(g))
    lo = g->saved_sp;  // a check from foreign code: the parked frames
  else if (keep.after_callback)
    lo = g->entry_sp;
  else
    lo = keep.caller_sp;
  return addr >= lo;
}

SlotVerdict JudgeForeignValue(uptr value, ObjectInfo *target) {
  if (!FindForeignObject(value, target))
    return kSlotFine;
  // One its foreign code may hold is scanned by its collector, so what it
  // points to stays alive: nothing below it to follow.
  return target->pinned ? kSlotFine : kSlotUnpinned;
}

SlotVerdict JudgeStackValue(uptr value, KeptFrames keep) {
  if (!GStackOwner(value) || InKeptFrames(value, keep))
    return kSlotFine;
  return kSlotStack;
}

bool CheckPinnedTarget(const ObjectInfo &pinned, KeptFrames keep, Finding *f) {
  return WalkObjectSlots</*kCheckedOnly=*/true>(
      pinned, pinned.base, pinned.base + pinned.size, [&](uptr a) {
    uptr value = *reinterpret_cast<const uptr *>(a);
    ObjectInfo target;
    SlotVerdict v = JudgeValue(value, keep, &target);
    if (v == kSlotFine || v == kSlotPinned)
      return true;  // pinning is not transitive, and not followed further
    return RecordBadSlot(f, v, pinned, a, value, target, true);
  });
}

bool CheckCallSiteRange(const ObjectInfo &obj, uptr p, const cgosan_type *t,
                        KeptFrames keep, Finding *f) {
  uptr lo, hi;
  CallSiteRange(obj, p, t, &lo, &hi);
  // The call site names the object's own (element) type at an element
  // boundary (or none): t's slots are the heap's, no need to test both.
  if (!t || (t == obj.type && t->size && (p - obj.base) % t->size == 0))
    return CheckManagedRange<false>(obj, lo, hi, nullptr, 0, keep, f);
  return CheckManagedRange<true>(obj, lo, hi, t, p, keep, f);
}

const char *NotHeldNote(const ObjectInfo &obj) {
  return obj.heap == kOwnHeap ? ", not pinned"
                              : ", which foreign code may not hold";
}

const char *CalleeName(const char *callee) {
  return callee && *callee ? callee : "<unknown function>";
}

const char *TypeName(const cgosan_type *t) {
  return t && t->name ? t->name : "?";
}

// A foreign heap's object: "object 0x... of heap 'bdwgc' (n bytes)", with
// "of type 'T' " before the size when the heap knows its type.
static void AppendForeignObjectDesc(ReportDesc *r, const ObjectInfo &obj,
                                    bool with_base) {
  AddNote(r, "object ");
  if (with_base)
    AddNote(r, "0x%zx ", (usize)obj.base);
  AddNote(r, "of heap '%s' ", HeapName(obj.heap));
  if (obj.type != &kConservativeWordType)
    AddNote(r, "of type '%s' ", TypeName(obj.type));
  AddNote(r, "(%zu bytes)", (usize)obj.size);
}

void AppendObjectDesc(ReportDesc *r, const ObjectInfo &obj, bool with_base) {
  if (UNLIKELY(obj.heap != kOwnHeap)) {
    AppendForeignObjectDesc(r, obj, with_base);
    return;
  }
  if (with_base)
    AddNote(r, "object 0x%zx of type ", (usize)obj.base);
  else
    AddNote(r, "object of type ");
  if (obj.count == 1)
    AddNote(r, "'%s' (%zu bytes)", TypeName(obj.type), (usize)obj.size);
  else
    AddNote(r, "'%s[%zu]' (%zu bytes)", TypeName(obj.type), (usize)obj.count,
            (usize)obj.size);
}

void AppendPointee(ReportDesc *r, uptr addr, const ObjectInfo &obj) {
  if (addr == obj.base + obj.size)
    AddNote(r, "the end of ");  // C's pointer one past the end (FindReferent)
  else if (addr != obj.base)
    AddNote(r, "%zu bytes into ", (usize)(addr - obj.base));
  AppendObjectDesc(r, obj, addr != obj.base);
}

void AppendStackPlace(ReportDesc *r, uptr addr) {
  if (G *g = GStackOwner(addr))
    AppendGStackPlace(r, g, addr);
  else
    AddNote(r, "a G stack");
}

void AppendStackValueDesc(ReportDesc *r, const ObjectInfo &value) {
  AddNote(r, "0x%zx in ", (usize)value.base);
  AppendStackPlace(r, value.base);
  AddNote(r, ", of type '%s' (%zu bytes)", TypeName(value.type),
          (usize)value.size);
}

void AppendUnpinnableStack(ReportDesc *r, uptr addr) {
  AddNote(r, "in ");
  AppendStackPlace(r, addr);
  AddNote(r, " (stack memory cannot be pinned)\n");
}

void AppendSlotDesc(ReportDesc *r, const ObjectInfo &obj, uptr slot) {
  uptr off = slot - obj.base;
  uptr esize = obj.type ? obj.type->size : 0;
  if (obj.count == 1 || esize == 0 || obj.type == &kConservativeWordType)
    AddNote(r, "field at offset %zu", (usize)off);
  else if (esize == kWord)
    AddNote(r, "element %zu (offset %zu)", (usize)(off / esize), (usize)off);
  else
    AddNote(r, "element %zu, field at offset %zu in it (offset %zu)",
            (usize)(off / esize), (usize)(off % esize), (usize)off);
}

void AddAllocationStack(ReportDesc *r, const ObjectInfo &obj) {
  if (obj.heap != kOwnHeap)
    return;  // a foreign heap's objects come with no allocation stack
  AddExtraStack(r, obj.alloc_stack, "  0x%zx was allocated at:",
                (usize)obj.base);
}

// The memory the check began with: a heap object, or a value on a G stack.
static void AppendCheckedDesc(ReportDesc *r, const Finding &f,
                              const ObjectInfo &checked) {
  if (f.checked_on_stack)
    AppendStackValueDesc(r, checked);
  else
    AppendObjectDesc(r, checked, true);
}

// "holds 0x..., object of type 'T' (n bytes), not pinned", or for a stack
// address "holds 0x..., in G 3's stack, frame of F (stack memory cannot be
// pinned)"
static void AppendHolds(ReportDesc *r, const Finding &f) {
  AddNote(r, "  holds 0x%zx, ", (usize)f.value);
  if (f.verdict == kSlotStack) {
    AppendUnpinnableStack(r, f.value);
    return;
  }
  AppendPointee(r, f.value, f.target);
  AddNote(r, "%s\n", f.verdict == kSlotReference
                         ? ", a managed reference (never allowed, pinned or not)"
                         : NotHeldNote(f.target));
}

void AddFindingNotes(ReportDesc *r, const Finding &f) {
  if (f.nested) {
    // The slot that led to the pinned object, then the slot inside it.
    AddNote(r, "  ");
    AppendCheckedDesc(r, f, f.outer_holder);
    AddNote(r, ", ");
    AppendSlotDesc(r, f.outer_holder, f.outer_slot);
    AddNote(r, "\n  holds 0x%zx, pinned ", (usize)f.holder.base);
    AppendObjectDesc(r, f.holder, false);
    AddNote(r, ", whose ");
    AppendSlotDesc(r, f.holder, f.slot);
    AddNote(r, "\n");
  } else if (f.holder_managed) {
    AddNote(r, "  ");
    AppendCheckedDesc(r, f, f.holder);
    AddNote(r, ", ");
    AppendSlotDesc(r, f.holder, f.slot);
    AddNote(r, "\n");
  }
  AppendHolds(r, f);
  if (f.verdict != kSlotStack)
    AddAllocationStack(r, f.target);
  if (f.holder_managed && (f.nested || !f.checked_on_stack))
    AddAllocationStack(r, f.holder);
  if (f.nested && !f.checked_on_stack)
    AddAllocationStack(r, f.outer_holder);
}

}  // namespace __cgosan
