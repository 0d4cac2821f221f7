// heap_internal.h — spans, size classes and the arena, shared by the heap's
// own files and the collector. Checkers use heap.h only.
#ifndef CGOSAN_RTL_HEAP_INTERNAL_H
#define CGOSAN_RTL_HEAP_INTERNAL_H

#include "heap.h"
#include "report.h"
#include "span_lookup.h"

namespace __cgosan {

constexpr uptr kPageSize = 1ull << kPageShift;
constexpr uptr kMaxSmallSize = 32 << 10;
constexpr uptr kNumSizeClasses = 68;  // Go's 67 classes; class 0 is "large"

// Go's span classes: each size class has spans for objects that may hold
// pointers and spans for those that cannot ("noscan": no pointer slots and not
// a reference), so a pointer check learns from the span alone that a pinned
// target has nothing in it to follow.
constexpr uptr kNumSpanClasses = 2 * kNumSizeClasses;
inline bool IsNoScan(const cgosan_type *t) {
  return (!t->ptrmask || !t->ptrdata) && !(t->flags & CGOSAN_TYPE_REFERENCE);
}
inline u32 SpanClassOf(u32 size_class, bool noscan) { return size_class * 2 + noscan; }
inline u32 SizeClassOfSpanClass(u32 span_class) { return span_class / 2; }
inline bool IsNoScanSpanClass(u32 span_class) { return span_class % 2; }

// Per-object facts kept beside the object, not in it: 16 bytes a slot, in an
// array at the end of a small span's own pages (so they go back to the OS
// with the span's pages), or in the Span of a large object. A small object's
// element count fits 32 bits (its size is at most 32 KiB); a large object's
// count lives in its span.
// libc's memset (vectorised), for the heap's fills of managed memory; the
// files that call it are built with SANITIZER_COMMON_NO_REDEFINE_BUILTINS.
// Flagged (heap_fills_memory) for the race checker's memset interceptor;
// the compiler fences keep the flag's stores around the call (the compiler
// knows memset reads no flag, and would drop the first store).
ALWAYS_INLINE void HeapFill(void *p, u8 byte, uptr n) {
  heap_fills_memory = true;
  atomic_signal_fence(memory_order_seq_cst);
  __builtin_memset(p, byte, n);
  atomic_signal_fence(memory_order_seq_cst);
  heap_fills_memory = false;
}

struct ObjectMeta {
  const cgosan_type *type;
  u32 small_count;
  u32 alloc_stack;
};

struct Span {
  uptr start;      // first byte (page aligned)
  uptr npages;
  uptr elem_size;  // bytes per slot (the whole object for a large span)
  u32 size_class;  // 0 for a large span
  bool noscan;     // every object in it is noscan (IsNoScan of its type)
  // A slot of the guarded pool (guarded_pool.h): a large span whose one
  // object, at start, is right-aligned in its page; never a free run.
  bool guarded;
  u32 nelems;
  // Every slot below it holds an object or is in quarantine,
  // whatever its alloc bit says. The M taking a slot publishes the object by
  // raising free_index past it (Go's freeindex), and sets no bit: the bits
  // learn of the taken slots when the span goes back to a central list or
  // is swept (PublishTakenSlots). 0 in a span on a central list.
  atomic_uint32_t free_index;
  u32 div_mul;     // ceil(2^32 / elem_size) for a small span (Go's divMul)
  // Bitmaps, one bit per slot. alloc: the slot holds an object (or is in
  // quarantine); a slot below free_index does too, bit or not (SlotInUse).
  // quarantine: freed by the collector, not yet reusable. mark: reached by
  // the current collection.
  atomic_uint64_t *alloc_bits;
  u64 *quarantine_bits;
  u64 *mark_bits;
  // pin: the object is pinned (pinner.cpp keeps the counts and sets the bit
  // on an object's first pin, clears it on its last unpin).
  atomic_uint64_t *pin_bits;
  ObjectMeta *meta;        // by slot: past the last slot, or &large_meta
  // A large span's one object, and its bitmaps of one word each, inside the
  // Span (heap.cpp: Spans are never freed, so whatever a Span points to
  // stays readable by a FindObject racing with the sweep).
  ObjectMeta large_meta;
  atomic_uint64_t large_alloc_word, large_pin_word;
  u64 large_quarantine_word, large_mark_word;
  uptr large_count;  // element count of a large span's object
  Span *next;     // in a central list, the free runs or the spare Spans
  Span *next_all; // every span in use
  bool cached;    // owned by an M's cache (only that M allocates from it)
  // Its pages may hold old bytes (they were not fresh from the OS): a large
  // object made on them is zeroed. Of a free run: its pages are resident.
  bool dirty;
  // Collections in a row that found the uncached span empty, or the free
  // run still free.
  u32 empty_gcs;
  // While cached: bit k set when slot free_index + k was free when its
  // alloc-bit word was last read (Go's allocCache), so the next slot is one
  // count of trailing zeros. Stale only towards "taken": a slot the collector
  // frees meanwhile is found at a later refill.
  u64 free_cache;

  uptr Count(uptr index) const {
    return size_class ? meta[index].small_count : large_count;
  }
  uptr ObjectSize(uptr index) const {
    const cgosan_type *t = meta[index].type;
    return t ? t->size * Count(index) : 0;
  }
  // (addr - start) / elem_size, by Go's reciprocal for small spans
  // (InitializeHeap checks it is exact); a large span has one slot.
  uptr SlotIndex(uptr addr) const {
    uptr offset = addr - start;
    if (size_class)
      return static_cast<uptr>((static_cast<u64>(offset) * div_mul) >> 32);
    return offset < elem_size ? 0 : 1;
  }
  uptr SlotBase(uptr index) const { return start + index * elem_size; }
};

inline bool TestBit(const u64 *bits, uptr i) { return bits[i / 64] >> (i % 64) & 1; }
inline void SetBit(u64 *bits, uptr i) { bits[i / 64] |= 1ull << (i % 64); }
inline void ClearBit(u64 *bits, uptr i) { bits[i / 64] &= ~(1ull << (i % 64)); }
inline bool TestAllocBit(const Span *s, uptr i) {
  return atomic_load(&s->alloc_bits[i / 64], memory_order_acquire) >> (i % 64) & 1;
}
// True when slot i of s holds an object or is in quarantine. free_index is
// read first: PublishTakenSlots sets the bits before it drops free_index to
// 0, so a slot taken below the free_index read is found in one or the other.
inline bool SlotInUse(const Span *s, uptr i) {
  return i < atomic_load(&s->free_index, memory_order_acquire) || TestAllocBit(s, i);
}
// Sets the alloc bits of the slots below s->free_index and drops it to 0 (and
// the free cache with it): for a span an M's cache gives back, and for every
// span the sweep visits, with the world stopped (heap.cpp).
void PublishTakenSlots(Span *s);

// What span_lookup.h reads of a Span without its definition.
static_assert(__builtin_offsetof(Span, noscan) == kSpanNoScanOffset &&
                  sizeof(Span::noscan) == 1,
              "move kSpanNoScanOffset (span_lookup.h) to Span::noscan");

// Size classes (heap.cpp).
extern u8 class_by_8[kMaxSmallSize / 8 + 1];  // filled by InitializeHeap
// 0 when size > kMaxSmallSize. Inline: every allocation asks.
ALWAYS_INLINE u32 SizeClassOf(uptr size) {
  return size > kMaxSmallSize ? 0 : class_by_8[(size + 7) / 8];
}
// The bytes a slot (or a large object's span) needs for an object of size
// bytes: one more, so the address one past the object's end, C's end
// pointer, lies in the object's own slot and is never the base of the next
// object (Boehm's one byte of padding; design notes, issue 27). It costs
// nothing when the size leaves room in its class, a class up when the size
// is exactly a class size, and a page of address space (not resident) for
// a large object of whole pages.
ALWAYS_INLINE uptr SlotSizeFor(uptr size) { return size + 1; }
uptr ClassSize(u32 size_class);

// Spans (heap.cpp). Under the heap lock unless said otherwise.
// heap_mu is taken inside; LockHeap holds it for the collector.
extern Mutex heap_mu;
Span *AllocSmallSpan(u32 span_class);  // a span with free slots, marked cached
void ReturnCachedSpan(Span *span);     // an M's cache gives a span back
// A span of its own for an object of size bytes. Unless it is dirty, its
// pages read zero: they come from the bump pointer (never touched) or from
// a free run released with MADV_DONTNEED (zero-filled on the next touch, on
// Linux) and not written since.
Span *AllocLargeSpan(uptr size, bool noscan);
// The guarded pool's pages, taken once at start and never freed.
uptr AllocPoolPages(uptr npages);
// Makes the pool's span s hold one object at base, its slot ending at
// slot_end: in the page map and the list of every span, alloc bit clear.
void AddGuardedSpanLocked(Span *s, uptr base, uptr slot_end, bool noscan);
// Makes [start, start + size) read `byte`; from 4 MiB up, pages that were
// not resident read zero instead and are not faulted in
// (page_scrub_linux.cpp): for large objects, much of which a program may
// never touch.
void ScrubPages(uptr start, uptr size, u8 byte);

// An allocation site an M walked (alloc_stack.cpp): the G, and the two
// words the walk read from each frame: its link (the next frame's address)
// and its return address. Frame 0 is at entry_fp, frame i + 1 where frame
// i's link points. The G is known by its id, never reused, so a G made later
// in the same G struct (with another stack) is not taken for it. Only walks
// of at least two frames are remembered (a walk inside a G always has them:
// the frame that called the entry point, and the G's own base frame), so the
// check needs no test for frame 1.
// With malloc_context_size=1 a site's stack is its call site alone, the same
// on every G and at every depth: the memo's goid is kCallSiteOnly, and the
// check compares the entry's return address with frames[0]'s and nothing else.
typedef u64 FrameWords __attribute__((vector_size(16)));
typedef u64 StackFrameWords __attribute__((vector_size(16), aligned(8)));
constexpr u64 kCallSiteOnly = ~0ull;  // no G has this id
struct AllocSiteMemo {
  u64 goid;  // 0: nothing remembered; kCallSiteOnly: see above
  uptr entry_fp;
  const FrameWords *frames_end;  // &frames[number of frames]
  FrameWords frames[kMaxAllocFrames];  // frame i's {link, return address}
  u32 id;
  // The type and element count of the last object the site made (type null:
  // none since the last collection), and that object's span class.
  u32 span_class;
  const cgosan_type *type;
  uptr count;
  AllocSiteMemo *next;  // the site the M allocated at after this one (or itself)
};

// An M remembers one walk per call site of the entry point, by the return
// address in the entry's own frame: code that allocates at several sites in
// turn (a node, then its payload) finds each site's walk still there. Each
// memo also remembers the site the M allocated at after it, and the inline
// path checks that site, the last one's `next`, before it looks the return
// address up: a loop allocating at one site finds it there (its `next` is
// itself), and so does one alternating a node and its payload, two sites
// whose `next` is each other.
constexpr uptr kSiteMemos = 8;
// Call sites are a few bytes to a few hundred apart: fold bits 3-5 onto 0-2.
inline uptr SiteMemoIndex(uptr return_address) {
  return (return_address ^ return_address >> 3) % kSiteMemos;
}

// Per-M allocation cache (heap_alloc.cpp), with the M's cache of recent
// allocation-site stacks and its remembered walks (alloc_stack.cpp).
struct HeapCache {
  Span *spans[kNumSpanClasses];  // by SpanClassOf; the large classes unused
  StackIdCache stacks;
  AllocSiteMemo sites[kSiteMemos];  // by SiteMemoIndex
};

// The call site of the heap entry point whose frame is entry_frame: its
// return address.
ALWAYS_INLINE uptr CallSiteOf(uptr entry_frame) {
  return reinterpret_cast<const uptr *>(entry_frame)[1];
}

// The memo a walk from entry_frame would be remembered in.
ALWAYS_INLINE AllocSiteMemo &SiteMemoFor(HeapCache *cache, uptr entry_frame) {
  return cache->sites[SiteMemoIndex(CallSiteOf(entry_frame))];
}

// True when a walk from entry_frame on g would find m's stack again.
// The entry's own return address (the call site) is compared first, so
// another site fails before any remembered frame is read. A call-site-only
// memo is tested where the G's id differs, so a memo of a whole walk, found
// on its own G, pays nothing for it.
ALWAYS_INLINE bool SameSite(const AllocSiteMemo &m, uptr entry_frame, const G *g) {
  const uptr *entry = reinterpret_cast<const uptr *>(entry_frame);
  if (m.goid != g->id)
    return m.goid == kCallSiteOnly && entry[1] == m.frames[0][1];
  if (m.entry_fp != entry_frame || entry[1] != m.frames[0][1])
    return false;
  // Frame 1 by words: a caller that allocates once per call has just pushed
  // it, and one wide load of two narrow stores still in the store buffer is
  // not forwarded. Outer frames were pushed long before: one 16-byte load.
  const uptr *frame1 = reinterpret_cast<const uptr *>(m.frames[0][0]);
  uptr differ = (entry[0] ^ m.frames[0][0]) | (frame1[0] ^ m.frames[1][0]) |
                (frame1[1] ^ m.frames[1][1]);
  FrameWords outer = {0, 0};
#pragma clang loop unroll(disable)
  for (const FrameWords *f = &m.frames[2]; f < m.frames_end; f++)
    outer |= *reinterpret_cast<const StackFrameWords *>(f[-1][0]) ^ *f;
  return (differ | outer[0] | outer[1]) == 0;
}

// The walk itself (alloc_stack.cpp), remembered in memo when it can be.
u32 WalkAllocStack(uptr entry_frame, G *g, HeapCache *cache, AllocSiteMemo *memo);
// The id of the caller's frame alone, for code with no running G (alloc_stack.cpp):
// its stack bounds are unknown.
u32 CallerStackId(uptr entry_frame);
// The stack depot id of an allocation site of running G g on m (whose heap
// cache exists): frames from entry_frame (the frame pointer of the heap's
// public entry point) outwards, within the G's stack. The site's memo becomes
// the `next` of the M's last site, and then its alloc_site. Inline: a site
// whose walk is remembered costs no call.
ALWAYS_INLINE u32 AllocStackId(uptr entry_frame, G *g, M *m) {
  AllocSiteMemo &memo = SiteMemoFor(m->heap_cache, entry_frame);
  m->alloc_site->next = &memo;
  m->alloc_site = &memo;
  if (SameSite(memo, entry_frame, g))
    return memo.id;
  return WalkAllocStack(entry_frame, g, m->heap_cache, &memo);
}
// At thread exit: m's spans go back to central, its local references end.
void FlushHeapCache(M *m);
// World stopped: every M's site memos forget the types they know
// (heap_alloc.cpp, SiteKnowsType).
void ForgetSiteTypes();
// The collector holds the heap (heap_alloc.cpp) while it marks and sweeps, so
// code allocating off a G waits.
void LockHeap();
void UnlockHeap();
// Under LockHeap, world stopped: calls fn on every span, then frees large
// spans whose object is gone, gives back small spans that stayed empty (see
// heap.cpp) and rebuilds the lists of spans with free slots.
void SweepAllSpans(void (*fn)(Span *span, void *arg), void *arg);
// Bytes of small spans whose pages are back with the OS (heap.cpp).
uptr ReleasedHeapBytes();
// Bytes of the arena handed out so far by the bump pointer (heap.cpp).
uptr ArenaBytesUsed();
void ForEachRoot(void (*fn)(void **slot, void *arg), void *arg);

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HEAP_INTERNAL_H
