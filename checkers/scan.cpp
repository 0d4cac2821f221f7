// scan.cpp — the out-of-line half of scan.h: following a pinned pointer one
// level, and describing findings in reports.
#include "scan.h"

namespace __cgosan {

bool CheckPinnedTarget(const ObjectInfo &pinned, Finding *f) {
  return WalkObjectSlots(pinned, pinned.base, pinned.base + pinned.size,
                         [&](uptr a) {
    uptr value = *reinterpret_cast<const uptr *>(a);
    ObjectInfo target;
    SlotVerdict v = JudgeValue(value, &target);
    if (v == kSlotFine || v == kSlotPinned)
      return true;  // pinning is not transitive, and not followed further
    return RecordBadSlot(f, v, pinned, a, value, target, true);
  });
}

bool CheckCallSiteRange(const ObjectInfo &obj, uptr p, const cgosan_type *t,
                        Finding *f) {
  uptr end = obj.base + obj.size;
  if (!t)
    return CheckManagedRange<false>(obj, obj.base, end, nullptr, 0, f);
  uptr hi = p + t->ptrdata;  // within t->size: t is well formed
  if (hi > end || hi < p)
    hi = end;
  // The call site names the object's own (element) type at an element
  // boundary: t's slots are the heap's, no need to test both.
  if (t == obj.type && t->size && (p - obj.base) % t->size == 0)
    return CheckManagedRange<false>(obj, p, hi, nullptr, 0, f);
  return CheckManagedRange<true>(obj, p, hi, t, p, f);
}

const char *CalleeName(const char *callee) {
  return callee && *callee ? callee : "<unknown function>";
}

const char *TypeName(const cgosan_type *t) {
  return t && t->name ? t->name : "?";
}

void AppendObjectDesc(ReportDesc *r, const ObjectInfo &obj, bool with_base) {
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

void AppendSlotDesc(ReportDesc *r, const ObjectInfo &obj, uptr slot) {
  uptr off = slot - obj.base;
  uptr esize = obj.type ? obj.type->size : 0;
  if (obj.count == 1 || esize == 0)
    AddNote(r, "field at offset %zu", (usize)off);
  else if (esize == kWord)
    AddNote(r, "element %zu (offset %zu)", (usize)(off / esize), (usize)off);
  else
    AddNote(r, "element %zu, field at offset %zu in it (offset %zu)",
            (usize)(off / esize), (usize)(off % esize), (usize)off);
}

void AddAllocationStack(ReportDesc *r, const ObjectInfo &obj) {
  AddExtraStack(r, obj.alloc_stack, "  0x%zx was allocated at:",
                (usize)obj.base);
}

// "holds 0x..., object of type 'T' (n bytes), not pinned"
static void AppendHolds(ReportDesc *r, const Finding &f) {
  AddNote(r, "  holds 0x%zx, ", (usize)f.value);
  AppendPointee(r, f.value, f.target);
  AddNote(r, "%s\n", f.verdict == kSlotReference
                         ? ", a managed reference (never allowed, pinned or not)"
                         : ", not pinned");
}

void AddFindingNotes(ReportDesc *r, const Finding &f) {
  if (f.nested) {
    // The slot that led to the pinned object, then the slot inside it.
    AddNote(r, "  ");
    AppendObjectDesc(r, f.outer_holder, true);
    AddNote(r, ", ");
    AppendSlotDesc(r, f.outer_holder, f.outer_slot);
    AddNote(r, "\n  holds 0x%zx, pinned ", (usize)f.holder.base);
    AppendObjectDesc(r, f.holder, false);
    AddNote(r, ", whose ");
    AppendSlotDesc(r, f.holder, f.slot);
    AddNote(r, "\n");
  } else if (f.holder_managed) {
    AddNote(r, "  ");
    AppendObjectDesc(r, f.holder, true);
    AddNote(r, ", ");
    AppendSlotDesc(r, f.holder, f.slot);
    AddNote(r, "\n");
  }
  AppendHolds(r, f);
  AddAllocationStack(r, f.target);
  if (f.holder_managed)
    AddAllocationStack(r, f.holder);
  if (f.nested)
    AddAllocationStack(r, f.outer_holder);
}

}  // namespace __cgosan
