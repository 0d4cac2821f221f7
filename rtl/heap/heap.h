// heap.h — the embedded managed heap: what the rest of the runtime and the
// checkers may ask of it.
//
// Shape (Go's mheap/mcache): one reserved arena, 8 KiB pages, spans of pages.
// A small-object span holds objects of one size class; an object over 32 KiB
// has a span of its own. A page map gives the span of any arena address in
// O(1), so FindObject is two loads and a division by a reciprocal.
//
// Every object records its type (and, for arrays, the element count) and the
// stack depot id of its allocation site in its span, beside the object; the
// object's bytes are exactly the user's, and its slot has at least one byte
// more, where its end pointer points (SlotSizeFor). Zero-size requests share
// one address outside the arena (IsZeroBase).
#ifndef CGOSAN_RTL_HEAP_H
#define CGOSAN_RTL_HEAP_H

#include "rtl.h"

namespace __cgosan {

// The id of cgosan's own heap among the registered heaps (heap_registry.h).
constexpr u32 kOwnHeap = 0;

// What the heap knows about one live (allocated) object.
struct ObjectInfo {
  uptr base;                // first byte
  uptr size;                // bytes the user asked for: type->size * count
  const cgosan_type *type;  // the element type (the object's type if count == 1)
  uptr count;               // 1 for cgosan_new, n for cgosan_new_array
  u32 alloc_stack;          // stack depot id of the allocation site (0: none)
  bool pinned;              // pinned by a cgosan_pinner; of a foreign heap's
                            // object: foreign code may hold it
  u32 heap;                 // kOwnHeap, or a registered foreign heap's id
                            // (heap_registry.h)
};

// Frames kept for each allocation site: CGOSAN_OPTIONS=malloc_context_size
// (sanitizer_common's flag, as in ASan: its parser makes a value below 1
// into 1), default kMaxAllocFrames, larger values keep kMaxAllocFrames. Set
// by InitializeHeap.
constexpr uptr kMaxAllocFrames = 16;
extern uptr alloc_stack_frames;

constexpr uptr kArenaSize = 1ull << 36;  // 64 GiB reserved, committed on touch
extern uptr arena_start;                 // 0 before InitializeHeap

// True when addr points into the arena (allocated object or not). Inline: it
// is the first test of every check, on values that are mostly not managed.
ALWAYS_INLINE bool InArena(uptr addr) { return addr - arena_start < kArenaSize; }

// While the heap fills managed memory itself with libc's memset (zeroing an
// allocation, poisoning dead slots): the race checker's libc interceptors
// then record nothing, since these are not the program's writes
// (interceptors/pthread/race_libc_memory.cpp).
extern THREADLOCAL bool heap_fills_memory;

// True when addr lies in a slot registered with cgosan_add_root. Linear in
// the number of roots: for report paths.
bool IsRootSlot(uptr addr);

// Finds the allocated object containing addr. False for addresses outside
// the arena, in free or quarantined slots, or past an object's size (the
// padding of its slot).
bool FindObject(uptr addr, ObjectInfo *info);

// Finds the object a pointer value addr refers to: the one it points into,
// or the one it is the end pointer of (addr == base + size: C's pointer one
// past the end, which belongs to the array it ends). Every slot has room for
// its object's end pointer, so it is never also the base of another object.
// The pointer checks judge slot values and arguments by it, as the
// collector marks the object a word's slot holds.
bool FindReferent(uptr addr, ObjectInfo *info);

// True for the one address every zero-size allocation returns (Go's
// zerobase): managed, always live, counts as pinned, outside the arena.
bool IsZeroBase(uptr addr);

// True when addr points into (or ends) a pinned object that holds no
// pointers and is not a reference (or into the rest of its slot's padding,
// which is no object): what a pointer check may pass without looking
// further. A pointer check asks this
// of every managed slot value first, so it reads the span and its pin bit
// only: such objects have spans of their own (Go's noscan span classes), and
// the pin bit stands for the alloc bit (a pinned object is a root).
bool IsPinnedPointerFreeObject(uptr addr);

// The base of the slot holding addr (an object's base when one lives
// there), from the span alone: it reads no arena memory, so a fault handler
// may call it while the arena's pages are protected. False outside spans.
bool SlotOf(uptr addr, uptr *slot_base);

// The page at addr was just protected (retention=full): if this thread's
// M allocates from its span, the M's next allocation there takes the slow
// path, which tells hooks.heap_makes_object before it writes. Spans other
// Ms allocate from are left alone (their free cache is theirs): a write
// there faults, and the fault opens the page.
void DivertAllocationsFrom(uptr addr);

// Sets or clears the pinned bit of the live object at base (pinner.cpp, on
// an object's first pin and last unpin).
void SetObjectPinned(uptr base, bool pinned);

// A type the checks and the heap can use: one with no pointer prefix
// (ptrdata 0) always is; one with pointers has a ptrmask and a prefix inside
// the value.
ALWAYS_INLINE bool IsWellFormedType(const cgosan_type *t) {
  return t->ptrdata == 0 || (t->ptrmask && t->ptrdata <= t->size);
}
// What the heap can make of it: count values in a row keep their pointers
// word-aligned, so an array of a type with pointers needs a size that is a
// whole number of words (a packed struct holding a pointer is not: the
// collector would not find the pointers of its odd elements).
ALWAYS_INLINE bool CanAllocateArrayOf(const cgosan_type *t, uptr count) {
  return IsWellFormedType(t) &&
         (t->ptrdata == 0 || count <= 1 || t->size % sizeof(uptr) == 0);
}
// Reports (api-misuse) that t cannot be used and why; `where` says what it
// was given to ("given to the managed heap", "of argument 2 of f").
void ReportMalformedType(const char *where, const cgosan_type *t);

// Word i of the object is a pointer slot (from the type's ptrmask, repeated
// over the elements of an array).
bool IsPointerSlot(const ObjectInfo &info, uptr word_index);

// Allocates count zeroed values of type t; never returns null (dies with a
// report when the arena is exhausted). entry_frame is the frame pointer of
// the public entry point, where the allocation-site stack starts.
void *HeapAlloc(const cgosan_type *t, uptr count, uptr entry_frame);

// Held by code not running on a G that finds an object and then acts on it
// (a pin): the collector holds the same lock while it marks and sweeps, so
// the object cannot be freed in between. A running G needs no lock: no
// collection runs until it reaches a safepoint. No managed allocation under it.
class ForeignHeapLock {
 public:
  explicit ForeignHeapLock(bool take);
  ~ForeignHeapLock();

 private:
  bool taken_;
};

// Extra roots registered with cgosan_add_root.
void AddRoot(void **slot);
bool RemoveRoot(void **slot);  // false when slot is not registered

void InitializeHeap();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HEAP_H
