// scan.h — the machinery the pointer checkers share: walking the pointer
// slots of managed memory, judging what each slot holds, and turning a
// finding into a report. Not a rule itself; the rules are check_*.cpp.
//
// The walk is the hot part of every check, so it is inline and reads the
// heap's pointer map directly: an object's (element) type and count come from
// FindObject, and its ptrmask is walked a byte at a time, so a zero mask byte
// skips eight words and the cost follows the pointer slots, not the bytes;
// the checks' walks test a mask byte's words against the checked range
// together (a whole byte in four SSE2 compares), branch-free, and judge only
// the slots that hold managed values.
// The heap's own IsPointerSlot stays the definition: the walk agrees with it
// (a debug build checks every slot it visits). Objects are made only of
// types the heap can use (CanAllocateArrayOf): a type with pointers has a
// mask, and in an array of more than one element is a whole number of words.
#ifndef CGOSAN_CHECKERS_SCAN_H
#define CGOSAN_CHECKERS_SCAN_H

#include "gstack.h"
#include "heap/heap.h"
#include "heap/heap_registry.h"
#include "heap/span_lookup.h"
#include "pinner.h"
#include "report.h"

namespace __cgosan {

constexpr uptr kWord = sizeof(uptr);

// cgocheck, read once per check. 0 before the flags are parsed, so nothing is
// checked before the heap exists (InitializeFlags runs before InitializeHeap,
// and nothing can be managed before the heap exists).
ALWAYS_INLINE int CgoCheckLevel() { return flags()->cgocheck; }

// The word at a, aligned or not: a typed copy's source lies where C put it,
// and a copy may start anywhere (one mov on x86-64 either way).
ALWAYS_INLINE uptr LoadWord(uptr a) {
  uptr value;
  __builtin_memcpy(&value, reinterpret_cast<const void *>(a), sizeof(value));
  return value;
}

inline bool IsReferenceType(const cgosan_type *t) {
  return t && (t->flags & CGOSAN_TYPE_REFERENCE);
}

// What one pointer slot holds, as the rules see it.
enum SlotVerdict : u32 {
  kSlotFine,            // not a managed pointer, or a pinned one
  kSlotPinned,          // a pinned managed pointer (fine; followed one level)
  kSlotUnpinned,        // an unpinned managed pointer: the rule is broken
  kSlotReference,       // a managed reference (map/chan/func): always broken
  kSlotStack,           // a pointer into a live G stack: managed memory that
                        // cannot be pinned (Go's cgoIsGoPointer covers
                        // stacks); broken unless in KeptFrames
};

// Everything a report needs about one bad slot. `holder` is the object whose
// slot it is (valid when holder_managed); when the slot was found inside a
// pinned object one level down, `outer` describes the slot that led there.
// `target` is valid for a managed object (not for kSlotStack). When the
// memory the check began with (holder, or outer_holder when nested) is a
// value on a G stack, checked_on_stack is set and that "object" is the call
// site's type laid at the checked address (StackValue).
struct Finding {
  bool checked_on_stack = false;
  SlotVerdict verdict;
  bool holder_managed;
  ObjectInfo holder;
  uptr slot;    // address of the slot
  uptr value;   // what it holds
  ObjectInfo target;
  bool nested;  // found inside a pinned target (outer_* valid)
  ObjectInfo outer_holder;
  bool outer_holder_managed;
  uptr outer_slot;
};

// Records a bad managed slot in f; returns false, so a walk visitor can
// `return RecordBadSlot(...)` to stop at it.
inline bool RecordBadSlot(Finding *f, SlotVerdict v, const ObjectInfo &holder,
                          uptr slot, uptr value, const ObjectInfo &target,
                          bool nested) {
  f->verdict = v;
  f->holder_managed = true;
  f->holder = holder;
  f->slot = slot;
  f->value = value;
  f->target = target;
  f->nested = nested;
  return false;
}

// The frames of the calling thread's G that outlive what a check is about: a
// slot pointing there is as safe as the checked memory itself (G stacks are
// never moved, and those frames stay while it matters), so it is not a
// finding. For an argument (rule 1), every frame from the caller's up: the G
// parks in the cgocall with all of them (caller_sp: the caller's stack
// pointer, the check's own frame being below it). For a callback's result
// (rule 3), the frames above where the callback entered its G. For a store
// into foreign memory (rule 4), none: it outlives every frame.
struct KeptFrames {
  uptr caller_sp;
  bool after_callback;
};
inline KeptFrames FramesKeptByCall(uptr caller_sp) {
  return {caller_sp, false};
}
inline KeptFrames FramesKeptAfterCallback() { return {0, true}; }
inline KeptFrames NoFramesKept() { return {~static_cast<uptr>(0), false}; }
// The caller's stack pointer, in a public entry point (built with frame
// pointers): the canonical frame address, above its return address.
#define CGOSAN_CALLER_SP() \
  (reinterpret_cast<uptr>(__builtin_frame_address(0)) + 2 * sizeof(uptr))

// The verdict on a value in the G stacks' region: kSlotStack for a live G's
// stack outside the kept frames, else kSlotFine. Out of line: the walks
// inline JudgeValue, and stack values are rare.
SlotVerdict JudgeStackValue(uptr value, KeptFrames keep);

// The verdict on a value outside the arena and the G stacks, once a foreign
// heap is registered: kSlotUnpinned, with target filled, for an object of a
// foreign heap that foreign code may not hold; else kSlotFine (out of line,
// as it asks the foreign heaps).
SlotVerdict JudgeForeignValue(uptr value, ObjectInfo *target);

// Judges the word `value`: fills `target` when it points into a live object
// or is its end pointer (FindReferent: the object it ends must be pinned).
ALWAYS_INLINE SlotVerdict JudgeValue(uptr value, KeptFrames keep,
                                     ObjectInfo *target) {
  if (!InCheckedRange(value))
    return kSlotFine;  // integers, foreign pointers, nil
  if (UNLIKELY(!InArena(value))) {
    if (!InManagedRange(value))  // only with a foreign heap registered
      return JudgeForeignValue(value, target);
    *target = ObjectInfo();  // a stack address is no object: nothing to show
    return JudgeStackValue(value, keep);
  }
  if (IsPinnedPointerFreeObject(value) || !FindReferent(value, target))
    return kSlotFine;  // freed slots, and pinned objects with nothing in
                       // them to follow
  if (UNLIKELY(IsReferenceType(target->type)))
    return kSlotReference;
  return target->pinned ? kSlotPinned : kSlotUnpinned;
}

// Bit k set when the word at first + k words is in the checked range, for
// k < n (n < 8): the words of the part of a ptrmask byte at the walk's
// start or end, compared one by one with no branch on what they hold, and
// nothing past them read. A whole byte's eight words are four vector
// compares (CheckedRangeBits8, heap_registry.h; with a foreign heap
// registered it also lets ~0 through, which JudgeValue's own range test
// drops). Either way a slot holding nil, an integer or a foreign pointer
// costs no branch of its own.
ALWAYS_INLINE u32 CheckedRangeBits(uptr first, uptr n) {
  u32 bits = 0;
  for (uptr k = 0; k < n; k++)
    bits |= static_cast<u32>(InCheckedRange(LoadWord(first + k * kWord))) << k;
  return bits;
}

// The pointer slots of the element at ebase (t's ptrmask over its ptrwords
// words) whose words lie whole in [lo, hi): WalkObjectSlots for one element.
template <bool kCheckedOnly, typename Visit>
ALWAYS_INLINE bool WalkElementSlots(const ObjectInfo &obj, const u8 *mask,
                                    uptr ptrwords, uptr ebase, uptr lo, uptr hi,
                                    Visit visit) {
  uptr w = lo > ebase ? (lo - ebase + kWord - 1) / kWord : 0;
  uptr end = Min((hi - ebase) / kWord, ptrwords);
  while (w < end) {
    u32 bits;
    uptr n;  // words of this mask byte walked
    if (LIKELY(w % 8 == 0 && end - w >= 8)) {  // a whole byte
      n = 8;
      bits = mask[w / 8];
      if (kCheckedOnly && bits)
        bits &= CheckedRangeBits8(ebase + w * kWord);
    } else {  // the part of a byte at the range's start or end
      n = Min(RoundDownTo(w, 8) + 8, end) - w;
      bits = (mask[w / 8] >> (w % 8)) & ((1u << n) - 1);
      if (kCheckedOnly && bits)
        bits &= CheckedRangeBits(ebase + w * kWord, n);
    }
    for (; bits; bits &= bits - 1) {
      uptr a = ebase + (w + LeastSignificantSetBitIndex(bits)) * kWord;
      DCHECK(IsPointerSlot(obj, (a - obj.base) / kWord));
      if (!visit(a))
        return false;
    }
    w += n;
  }
  return true;
}

// Calls visit(slot_address) for every pointer slot, in the heap's map of
// `obj`, that lies in [lo, hi) (addresses inside obj); with kCheckedOnly,
// only for those whose value is in the checked range (InCheckedRange: the
// others are fine to every rule, so the visitor need not see them). visit
// returns false to stop the walk; WalkObjectSlots then returns false too.
// (A visitor of kCheckedOnly walks judges with JudgeValue, which tests the
// range again: the vector compare may let ~0 through, see CheckedRangeBits.)
template <bool kCheckedOnly = false, typename Visit>
ALWAYS_INLINE bool WalkObjectSlots(const ObjectInfo &obj, uptr lo, uptr hi,
                                   Visit visit) {
  const cgosan_type *t = obj.type;
  if (!t || t->ptrdata == 0 || lo >= hi)
    return true;
  DCHECK(CanAllocateArrayOf(t, obj.count));
  const uptr size = t->size;
  const uptr ptrwords = (t->ptrdata + kWord - 1) / kWord;
  // One element (the common case: an object that is not an array, or a
  // range in an array's first element): no element loop, no division.
  if (LIKELY(hi - obj.base <= size))
    return WalkElementSlots<kCheckedOnly>(obj, t->ptrmask, ptrwords, obj.base,
                                          lo, hi, visit);
  uptr first = (lo - obj.base) / size;
  uptr last = (hi - 1 - obj.base) / size;
  for (uptr e = first; e <= last; e++) {
    if (!WalkElementSlots<kCheckedOnly>(obj, t->ptrmask, ptrwords,
                                        obj.base + e * size, lo, hi, visit))
      return false;
  }
  return true;
}

// True when word `a` (in the checked range that starts at p) is a pointer
// slot of the call site's type t (t's ptrmask, over t's ptrdata).
ALWAYS_INLINE bool IsTypeSlot(const cgosan_type *t, uptr p, uptr a) {
  uptr off = a - p;
  if (off % kWord || off >= t->ptrdata)
    return false;
  uptr w = off / kWord;
  return t->ptrmask[w / 8] >> (w % 8) & 1;
}

// One level down: the whole of the pinned object `pinned` may hold pinned
// pointers (not followed further) but no unpinned pointer and no reference.
// Fills f (nested) and returns false at the first bad slot.
bool CheckPinnedTarget(const ObjectInfo &pinned, KeptFrames keep, Finding *f);

// Checks [lo, hi) of the managed object `obj`: the heap's pointer slots there
// (and, when t is given, only those that are also slots of t laid at p). A
// slot holding an unpinned managed pointer or a reference fails; a pinned
// pointer is followed one level (CheckPinnedTarget). Fills f and returns
// false at the first bad slot.
template <bool kTyped>
ALWAYS_INLINE bool CheckManagedRange(const ObjectInfo &obj, uptr lo, uptr hi,
                                     const cgosan_type *t, uptr p,
                                     KeptFrames keep, Finding *f) {
  // Inlined whole, the visitor too: this loop is the cost of a check.
  auto visit = [&](uptr a) __attribute__((always_inline)) {
    if (kTyped && !IsTypeSlot(t, p, a))
      return true;
    uptr value = LoadWord(a);  // a stack value may be unaligned
    ObjectInfo target;
    SlotVerdict v = JudgeValue(value, keep, &target);
    if (LIKELY(v == kSlotFine))
      return true;
    if (v == kSlotPinned) {
      if (!target.type || target.type->ptrdata == 0 ||
          CheckPinnedTarget(target, keep, f))
        return true;  // nothing below it, or nothing wrong below it
      f->outer_holder = obj;
      f->outer_holder_managed = true;
      f->outer_slot = a;
      return false;
    }
    return RecordBadSlot(f, v, obj, a, value, target, false);
  };
  return WalkObjectSlots</*kCheckedOnly=*/true>(obj, lo, hi, visit);
}

// A value of the call site's type t at p on a G stack, described as the
// object the walks and reports take: one element, no allocation stack.
inline ObjectInfo StackValue(uptr p, const cgosan_type *t) {
  ObjectInfo v = {};
  v.base = p;
  v.size = t->size;
  v.type = t;
  v.count = 1;
  return v;
}

// The end of the pointer prefix of a t at p on g's stack, clamped to the
// stack's top as a heap check is to its object: the type may run past it.
inline uptr StackValuePtrEnd(const G *g, uptr p, const cgosan_type *t) {
  return g->stack_hi - p < t->ptrdata ? g->stack_hi : p + t->ptrdata;
}

// The bytes [p, p + t->size) of obj when t is given, or all of obj (t NULL),
// clamped to the object: the call site may name a type that runs past it.
bool CheckCallSiteRange(const ObjectInfo &obj, uptr p, const cgosan_type *t,
                        KeptFrames keep, Finding *f);

// The part of obj CheckCallSiteRange walks: [*lo, *hi), t's pointer prefix
// at p, or the whole object with t NULL.
ALWAYS_INLINE void CallSiteRange(const ObjectInfo &obj, uptr p,
                                 const cgosan_type *t, uptr *lo, uptr *hi) {
  uptr end = obj.base + obj.size;
  if (!t) {
    *lo = obj.base;
    *hi = end;
    return;
  }
  *lo = p;
  *hi = p + t->ptrdata;  // within t->size: t is well formed
  if (*hi > end || *hi < p)
    *hi = end;
}

// True when a pointer slot of obj in [lo, hi) holds a value in the checked
// range: the only slots any check judges. The walk with nothing but the
// range compares (no visitor, no judgement, no Finding), so a check whose
// slots all hold nil, integers or foreign pointers stops here; one that
// finds such a slot walks again, judging (a second pass over what the first
// found in the checked range: the rare case).
ALWAYS_INLINE bool AnyCheckedSlot(const ObjectInfo &obj, uptr lo, uptr hi) {
  return !WalkObjectSlots</*kCheckedOnly=*/true>(obj, lo, hi,
                                                 [](uptr) { return false; });
}

// --- Reports ------------------------------------------------------------------
// "object 0x... of type 'T' (N bytes)" / "of type 'T[n]'" for arrays; without
// the address when with_base is false.
void AppendObjectDesc(ReportDesc *r, const ObjectInfo &obj, bool with_base);
// "[N bytes into ]object [0x... ]of type 'T' (n bytes)" for addr inside obj,
// "the end of object 0x... of type ..." for its end pointer.
void AppendPointee(ReportDesc *r, uptr addr, const ObjectInfo &obj);
// "G 3's stack, frame of F" for addr, a G stack address ("a G stack" when
// its G is gone by now).
void AppendStackPlace(ReportDesc *r, uptr addr);
// "0x... in G 3's stack, frame of F, of type 'T' (n bytes)": a StackValue.
void AppendStackValueDesc(ReportDesc *r, const ObjectInfo &value);
// "in G 3's stack, frame of F (stack memory cannot be pinned)\n": where a
// stack pointer found where only pinned pointers may be points.
void AppendUnpinnableStack(ReportDesc *r, uptr addr);
// "  0x<base> was allocated at:" and obj's allocation stack, as an extra stack.
void AddAllocationStack(ReportDesc *r, const ObjectInfo &obj);
// Where in obj the slot at `slot` is: "field at offset 16", or for an array
// "element 2, offset 8 in it (offset 24)".
void AppendSlotDesc(ReportDesc *r, const ObjectInfo &obj, uptr slot);
// The notes and allocation stacks for a finding: the holder, its slot, what
// it holds and why that is wrong; then the target's and the holder's
// allocation stacks.
void AddFindingNotes(ReportDesc *r, const Finding &f);
// Names for messages: callee or "<unknown function>", type names or "?".
const char *CalleeName(const char *callee);
// ", not pinned" for cgosan's object, ", which foreign code may not hold"
// for a foreign heap's.
const char *NotHeldNote(const ObjectInfo &obj);
const char *TypeName(const cgosan_type *t);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_SCAN_H
