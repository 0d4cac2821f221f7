// heap.cpp — the arena, size classes, spans, and finding objects.
//
// The arena is one 64 GiB reservation (MAP_NORESERVE: pages are committed
// when first touched). Pages are handed out by a bump pointer, and the pages
// of freed large objects are kept as free runs for reuse (in address order,
// adjacent runs merged; see FreeSpanLocked). Each span records itself in the
// page map for every page it covers, so any address maps to its span with
// one load and to its slot with one division. Size classes are Go's up to
// 32 KiB; larger objects get a span of their own.
//
// Small spans that stay empty are given back (Go's scavenger, simplified):
// a span the sweep finds with no object, not even one in quarantine, waits on
// its class's empty list, behind the spans that still hold objects, so
// allocation fills those first and an unneeded span stays unused. Once it has
// stayed empty through gc_release_after collections its pages, with the
// per-slot facts at their end, go back to the OS; it leaves the list of all
// spans (the sweep no longer visits it) for its class's released list, and
// keeps its address range, its page-map entries and its bitmaps, all zero.
// A released span is reused like any other, after the empty ones: its pages
// fault back in zeroed.
// The wait is the hysteresis: a program that allocates garbage at a steady
// rate empties its spans every collection and refills them in the next, and
// must not pay a page fault for each. Go returns memory in the background,
// paced; here it happens inside the sweep, which already holds the heap.
// Keeping the span (not its pages) means an address inside it still maps to a
// span whose alloc bits say "no object", so FindObject on another thread never
// follows a freed pointer, and no address is ever handed to a second span.
//
// Locking: heap_mu guards the page allocator, the central span lists and the
// list of all spans. A span in an M's cache is allocated from by that M only,
// without a lock; its alloc bits are atomic words so FindObject, from any
// thread, reads them without tearing.
#include "gc.h"
#include "gstack.h"
#include "guarded_pool.h"
#include "heap_internal.h"
#include "hooks.h"
#include "report.h"
#include "sanitizer_heap.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

uptr arena_start;
atomic_uintptr_t *page_map;
uptr alloc_stack_frames;

Mutex heap_mu;
static uptr arena_used;     // bytes handed out by the bump pointer
static Span *free_runs;     // freed runs of pages (nelems 0), by address, merged
static Span *spare_spans;   // Span structs nothing uses (never freed)
// The central lists of small spans that are not cached, by span class, in
// the order allocation takes them: those holding objects and free slots, then
// the empty ones, then those whose pages went back to the OS.
static Span *partial[kNumSpanClasses];
static Span *empty[kNumSpanClasses];
static Span *released[kNumSpanClasses];
static Span *all_spans;  // every span the sweep visits (linked by next_all)
static uptr released_bytes;  // pages of the released spans

// Go's size classes up to 32 KiB (runtime/sizeclasses.go).
static const u32 kClassSizes[] = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,
    128,   144,   160,   176,   192,   208,   224,   240,   256,   288,
    320,   352,   384,   416,   448,   480,   512,   576,   640,   704,
    768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304,
    2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,
    6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384,
    18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};
static_assert(sizeof(kClassSizes) / sizeof(kClassSizes[0]) == kNumSizeClasses,
              "kNumSizeClasses must match the table");
u8 class_by_8[kMaxSmallSize / 8 + 1];
static u8 class_pages[kNumSizeClasses];

uptr ClassSize(u32 size_class) { return kClassSizes[size_class]; }

// With retention=full a small span's ObjectMetas begin on an OS page of
// their own: the watch protects the pages of lent objects
// (checkers/retention_watch.cpp), and the heap reads and writes these facts
// at every allocation and lookup, which would fault on a page they shared
// with a watched object. It costs full mode up to an OS page a span.
static bool meta_on_own_page;

// Where a small span's ObjectMetas begin, from its start.
static uptr MetaOffset(uptr nelems, uptr elem) {
  uptr bytes = nelems * elem;
  return meta_on_own_page ? RoundUpTo(bytes, GetPageSizeCached()) : bytes;
}

// A small span's slots, each with its ObjectMeta at the span's end.
static uptr SlotsIn(uptr npages, uptr elem) {
  uptr n = npages * kPageSize / (elem + sizeof(ObjectMeta));
  while (n && MetaOffset(n, elem) + n * sizeof(ObjectMeta) > npages * kPageSize)
    n--;
  return n;
}

// Pages per span of a class: the fewest (up to 16) that waste at most 1/8.
static u8 PagesFor(uptr elem) {
  for (uptr n = 1; n < 16; n++) {
    uptr bytes = n * kPageSize;
    uptr slots = SlotsIn(n, elem);
    if (slots && bytes - slots * (elem + sizeof(ObjectMeta)) <= bytes / 8)
      return n;
  }
  return 16;
}

void InitializeHeap() {
  alloc_stack_frames = Min<uptr>(common_flags()->malloc_context_size, kMaxAllocFrames);
  meta_on_own_page = retention_mode == kRetentionFull;
  u32 c = 1;
  for (uptr i = 0; i <= kMaxSmallSize / 8; i++) {
    while (kClassSizes[c] < i * 8) c++;
    class_by_8[i] = c;
  }
  for (u32 k = 1; k < kNumSizeClasses; k++) {
    class_pages[k] = PagesFor(kClassSizes[k]);
    // Span::SlotIndex's reciprocal is exact for offsets o < span bytes when
    // o * (div_mul * size - 2^32) < 2^32, which this bounds.
    CHECK_LE(static_cast<u64>(class_pages[k]) * kPageSize * kClassSizes[k],
             1ull << 32);
  }
  static_assert(kManagedRangeSize + (kArenaSize >> kPageShift) *
                    sizeof(atomic_uintptr_t) == kReservedAtStart,
                "rtl.h's kReservedAtStart is what is reserved here");
  page_map = static_cast<atomic_uintptr_t *>(ReserveAddressSpaceOrDie(
      (kArenaSize >> kPageShift) * sizeof(atomic_uintptr_t),
      "managed heap's page map"));
  // With the G stacks' region after it (gstack.h): one range holds both.
  arena_start = reinterpret_cast<uptr>(ReserveAddressSpaceOrDie(
      kManagedRangeSize, "managed heap and the G stacks"));
}

static constexpr char kMsgArenaExhausted[] =
    "managed heap exhausted: %zu more bytes requested, %zu of the arena's %zu "
    "in use (the live objects, their quarantine, and the free runs too small "
    "to hold this span)";

// Under heap_mu: fatal (cgosan_new never returns null). The report path
// takes no heap lock.
static NORETURN void ReportArenaExhausted(uptr npages) {
  ReportDesc r = {};
  r.kind = kOutOfMemory;
  SetMessage(&r, kMsgArenaExhausted, (usize)(npages * kPageSize),
             (usize)arena_used, (usize)kArenaSize);
  CaptureStack(&r.stack);
  EmitFatalReport(r);
}

static void SetPageMap(uptr start, uptr npages, Span *span) {
  uptr first = (start - arena_start) >> kPageShift;
  for (uptr i = 0; i < npages; i++)
    atomic_store(&page_map[first + i], reinterpret_cast<uptr>(span),
                 memory_order_release);
}

static Span *PopSpan(Span **list) {
  Span *s = *list;
  if (s)
    *list = s->next;
  return s;
}

static void Push(Span **list, Span *s) {
  s->next = *list;
  *list = s;
}

static uptr SpanBytes(const Span *s) { return s->npages * kPageSize; }
static uptr SpanEnd(const Span *s) { return s->start + SpanBytes(s); }

// Takes npages from the lowest freed run they fit in (first fit, in address
// order) or the bump pointer; *dirty when they may hold old bytes. heap_mu
// held.
static uptr AllocPages(uptr npages, bool *dirty) {
  *dirty = false;
  for (Span **link = &free_runs; *link; link = &(*link)->next) {
    Span *run = *link;
    if (run->npages < npages)
      continue;
    *dirty = run->dirty;
    uptr start = run->start;
    run->start += npages * kPageSize;
    run->npages -= npages;
    if (run->npages == 0) {
      *link = run->next;
      Push(&spare_spans, run);
    }
    return start;
  }
  uptr bytes = npages * kPageSize;
  if (bytes > kArenaSize - arena_used)
    ReportArenaExhausted(npages);
  uptr start = arena_start + arena_used;
  arena_used += bytes;
  AddHeapToLeakRoots(arena_start, arena_start + arena_used);
  return start;
}

// A large span's bitmaps and facts: the words inside it, bitmaps zeroed (its
// facts are written before its alloc bit is set).
static void UseInlineWords(Span *s) {
  atomic_store(&s->large_alloc_word, 0, memory_order_relaxed);
  atomic_store(&s->large_pin_word, 0, memory_order_relaxed);
  s->large_quarantine_word = 0;
  s->large_mark_word = 0;
  s->alloc_bits = &s->large_alloc_word;
  s->quarantine_bits = &s->large_quarantine_word;
  s->mark_bits = &s->large_mark_word;
  s->pin_bits = &s->large_pin_word;
  s->meta = &s->large_meta;
}

// Span structs are never freed, and what one points to (bitmaps, per-slot
// facts) stays readable: FindObject on a thread the collector does not stop
// (foreign code asking about a pointer it kept) may have read a Span from
// the page map just before the sweep freed that span's object. A small
// span's bitmaps are its own for good (small spans are never freed, only
// released); a large span's are inside the Span; a large span freed becomes
// a free run, and a used-up run a spare Span, both pointing at those inline
// words. So a racing reader sees stale or zero fields, never freed memory.
static Span *NewSpan(uptr npages, uptr elem_size, u32 size_class, bool noscan) {
  Span *s = PopSpan(&spare_spans);
  if (!s)
    s = static_cast<Span *>(InternalCalloc(1, sizeof(Span)));
  uptr start = AllocPages(npages, &s->dirty);
  s->start = start;
  s->npages = npages;
  s->elem_size = elem_size;
  s->size_class = size_class;
  s->noscan = noscan;
  s->nelems = size_class ? SlotsIn(npages, elem_size) : 1;
  s->div_mul = size_class ? static_cast<u32>(~0u / elem_size + 1) : 0;
  atomic_store(&s->free_index, 0, memory_order_relaxed);
  s->free_cache = 0;
  s->cached = false;
  s->empty_gcs = 0;
  s->large_count = 0;
  if (size_class) {
    uptr words = (s->nelems + 63) / 64;
    s->alloc_bits =
        static_cast<atomic_uint64_t *>(InternalCalloc(words, sizeof(u64)));
    s->quarantine_bits = static_cast<u64 *>(InternalCalloc(words, sizeof(u64)));
    s->mark_bits = static_cast<u64 *>(InternalCalloc(words, sizeof(u64)));
    s->pin_bits =
        static_cast<atomic_uint64_t *>(InternalCalloc(words, sizeof(u64)));
    s->meta = reinterpret_cast<ObjectMeta *>(start + MetaOffset(s->nelems, elem_size));
  } else {
    UseInlineWords(s);
  }
  s->next_all = all_spans;
  all_spans = s;
  SetPageMap(start, npages, s);
  return s;
}

static uptr CountAllocated(const Span *s) {
  uptr n = 0;
  for (uptr w = 0; w < (s->nelems + 63) / 64; w++)
    n += __builtin_popcountll(atomic_load(&s->alloc_bits[w], memory_order_relaxed));
  return n;
}

static u32 SpanClassOf(const Span *s) { return SpanClassOf(s->size_class, s->noscan); }

static Span *Unrelease(Span *s) {
  s->next_all = all_spans;
  all_spans = s;
  released_bytes -= SpanBytes(s);
  return s;
}

Span *AllocSmallSpan(u32 span_class) {
  u32 size_class = SizeClassOfSpanClass(span_class);
  Lock l(&heap_mu);
  Span *s = PopSpan(&partial[span_class]);
  if (!s) s = PopSpan(&empty[span_class]);
  if (!s && released[span_class]) s = Unrelease(PopSpan(&released[span_class]));
  if (s) {
    NoteAllocated(s->elem_size * (s->nelems - CountAllocated(s)));
  } else {
    uptr npages = class_pages[size_class];
    s = NewSpan(npages, kClassSizes[size_class], size_class,
                IsNoScanSpanClass(span_class));
    NoteAllocated(npages * kPageSize);
  }
  s->next = nullptr;
  s->empty_gcs = 0;
  s->cached = true;
  CHECK_EQ(atomic_load(&s->free_index, memory_order_relaxed), 0);
  s->free_cache = 0;
  return s;
}

void PublishTakenSlots(Span *s) {
  uptr taken = atomic_load(&s->free_index, memory_order_relaxed);
  if (!taken)
    return;  // free_cache, if any, still names only free slots
  for (uptr w = 0; w * 64 < taken; w++) {
    uptr in_word = taken - w * 64;
    u64 mask = in_word >= 64 ? ~0ull : (1ull << in_word) - 1;
    atomic_store(&s->alloc_bits[w],
                 atomic_load(&s->alloc_bits[w], memory_order_relaxed) | mask,
                 memory_order_release);
  }
  atomic_store(&s->free_index, 0, memory_order_release);
  s->free_cache = 0;
}

void ReturnCachedSpan(Span *span) {
  Lock l(&heap_mu);
  PublishTakenSlots(span);
  span->cached = false;
  Push(&partial[SpanClassOf(span)], span);
}

// One more collection has found s (an uncached small span, or a free run)
// unused: true once that makes release_after in a row (never when 0).
static bool DueForRelease(Span *s, uptr release_after) {
  return release_after && ++s->empty_gcs >= release_after;
}

// The free run low takes in high, the run after it in the list and in
// memory, whose Span becomes spare. The merged run starts its wait afresh.
static void MergeRuns(Span *low, Span *high) {
  low->npages += high->npages;
  low->dirty |= high->dirty;
  low->empty_gcs = 0;
  low->next = high->next;
  Push(&spare_spans, high);
}

// Adds run to the free runs, which are kept in address order with adjacent
// runs merged. Unmerged, first fit split runs into ever smaller pieces: a
// program allocating large objects of varying sizes kept growing the arena
// (about a quarter of what it allocated, until "managed heap exhausted"),
// and the list it searched grew with it. A merged-away Span becomes spare.
static void AddFreeRun(Span *run) {
  Span *prev = nullptr, *next = free_runs;
  while (next && next->start < run->start) {
    prev = next;
    next = next->next;
  }
  run->next = next;
  if (next && SpanEnd(run) == next->start)
    MergeRuns(run, next);
  if (prev && SpanEnd(prev) == run->start) {
    MergeRuns(prev, run);
  } else if (prev) {
    prev->next = run;
  } else {
    free_runs = run;
  }
}

// A large span whose object is gone becomes a free run of its pages (no
// slots), keeping its inline words. Its pages stay resident, poisoned: a
// program that allocates large buffers in a loop reuses them at the cost of
// a memset, where released pages cost a fault per 4 KiB (~3.5 ms per MiB
// on a VM). Like an empty small span, a run that stays free through
// gc_release_after collections gives its pages back (ReleaseIdleRuns).
static void FreeSpanLocked(Span *s) {
  SetPageMap(s->start, s->npages, nullptr);
  s->nelems = 0;  // its inline bitmap words are all zero already
  s->dirty = true;
  s->empty_gcs = 0;
  AddFreeRun(s);
}

static void ReleaseIdleRuns(uptr release_after) {
  for (Span *run = free_runs; run; run = run->next) {
    if (run->dirty && DueForRelease(run, release_after)) {
      ReleaseMemoryPagesToOS(run->start, SpanEnd(run));
      run->dirty = false;
    }
  }
}

// The empty span s, out of all_spans: its pages go back to the OS.
static void ReleaseSpan(Span *s) {
  ReleaseMemoryPagesToOS(s->start, SpanEnd(s));
  released_bytes += SpanBytes(s);
  Push(&released[SpanClassOf(s)], s);
}

void SweepAllSpans(void (*fn)(Span *span, void *arg), void *arg) {
  for (u32 c = 0; c < kNumSpanClasses; c++) partial[c] = empty[c] = nullptr;
  uptr release_after = flags()->gc_release_after;
  for (Span **link = &all_spans; *link;) {
    Span *s = *link;
    fn(s, arg);
    if (s->size_class == 0 && !TestAllocBit(s, 0)) {
      *link = s->next_all;
      if (s->guarded) {
        SetPageMap(s->start, s->npages, nullptr);
        ReturnGuardedSlot(s);
      } else {
        FreeSpanLocked(s);
      }
      continue;
    }
    if (s->size_class && !s->cached) {
      uptr allocated = CountAllocated(s);  // quarantined slots included
      if (allocated) {
        s->empty_gcs = 0;
        if (allocated < s->nelems)
          Push(&partial[SpanClassOf(s)], s);
      } else if (DueForRelease(s, release_after)) {
        *link = s->next_all;
        ReleaseSpan(s);
        continue;
      } else {
        Push(&empty[SpanClassOf(s)], s);
      }
    }
    link = &s->next_all;
  }
  ReleaseIdleRuns(release_after);
}

uptr ArenaBytesUsed() {
  Lock l(&heap_mu);
  return arena_used;
}

uptr ReleasedHeapBytes() {
  Lock l(&heap_mu);
  return released_bytes;
}

uptr AllocPoolPages(uptr npages) {
  Lock l(&heap_mu);
  bool dirty;
  return AllocPages(npages, &dirty);
}

void AddGuardedSpanLocked(Span *s, uptr base, uptr slot_end, bool noscan) {
  s->start = base;
  s->npages = (slot_end - RoundDownTo(base, kPageSize)) >> kPageShift;
  s->elem_size = slot_end - base;
  s->size_class = 0;
  s->noscan = noscan;
  s->guarded = true;
  s->nelems = 1;
  s->large_count = 0;
  UseInlineWords(s);
  s->next_all = all_spans;
  all_spans = s;
  SetPageMap(base, s->npages, s);
}

Span *AllocLargeSpan(uptr size, bool noscan) {
  uptr npages = RoundUpTo(size, kPageSize) >> kPageShift;
  NoteAllocated(npages * kPageSize);
  Lock l(&heap_mu);
  return NewSpan(npages, size, 0, noscan);
}

// The live object whose slot in span s (null: none) holds addr, when
// addr - base < size + or_end: an end pointer is in the slot of the object it
// ends (SlotSizeFor). kShape: only what the slot walks read (base, size,
// type, count), not the allocation stack nor the pin bit, a load that
// depends on two others.
template <bool kShape>
static ALWAYS_INLINE bool FindInSlot(const Span *s, uptr addr, ObjectInfo *info,
                                     bool or_end) {
  if (!s)
    return false;
  uptr index = s->SlotIndex(addr);
  if (index >= s->nelems || !SlotInUse(s, index) ||
      TestBit(s->quarantine_bits, index))
    return false;
  const ObjectMeta &meta = s->meta[index];
  uptr base = s->SlotBase(index);
  uptr size = s->ObjectSize(index);
  if (addr - base >= size + or_end)
    return false;
  info->base = base;
  info->size = size;
  info->type = meta.type;
  info->count = s->Count(index);
  info->heap = kOwnHeap;
  if (kShape) {
    info->alloc_stack = 0;
    info->pinned = false;
    return true;
  }
  info->alloc_stack = meta.alloc_stack;
  info->pinned = atomic_load(&s->pin_bits[index / 64], memory_order_acquire) >>
                     (index % 64) & 1;
  return true;
}

bool FindObject(uptr addr, ObjectInfo *info) {
  return FindInSlot<false>(SpanOf(addr), addr, info, false);
}

bool FindReferent(uptr addr, ObjectInfo *info) {
  return FindInSlot<false>(SpanOf(addr), addr, info, true);
}

bool FindReferentShape(const Span *s, uptr addr, ObjectInfo *info) {
  DCHECK_EQ(s, SpanOf(addr));
  return FindInSlot<true>(s, addr, info, true);
}

bool IsPinnedPointerFreeObject(uptr addr) {
  Span *s = SpanOf(addr);
  if (!s || !s->noscan)
    return false;
  uptr index = s->SlotIndex(addr);
  // The padding past a pinned object holds its end pointer, which refers to
  // it, and beyond that no object at all: fine too, so the object's size is
  // not read.
  return index < s->nelems &&
         (atomic_load(&s->pin_bits[index / 64], memory_order_acquire) >> (index % 64) & 1);
}

void SetObjectPinned(uptr base, bool pinned) {
  Span *s = SpanOf(base);
  CHECK(s);
  uptr index = s->SlotIndex(base);
  u64 bit = 1ull << (index % 64);
  atomic_uint64_t *word = &s->pin_bits[index / 64];
  u64 old = atomic_load(word, memory_order_relaxed);
  while (!atomic_compare_exchange_weak(word, &old,
                                       pinned ? old | bit : old & ~bit,
                                       memory_order_release)) {
  }
  if (UNLIKELY(hooks.object_pin_changed))
    hooks.object_pin_changed(base, pinned);
}

bool SlotOf(uptr addr, uptr *slot_base) {
  Span *s = SpanOf(addr);
  if (!s)
    return false;
  uptr index = s->SlotIndex(addr);
  if (index >= s->nelems)
    return false;
  *slot_base = s->SlotBase(index);
  return true;
}

static constexpr char kMsgMalformedType[] =
    "type '%s' %s is malformed (size %zu, ptrdata %zu): %s";
static constexpr char kWhyNoMask[] =
    "it has a pointer prefix but no ptrmask to say which words are pointers";
static constexpr char kWhyPrefixTooLong[] =
    "its pointer prefix (ptrdata) is longer than the value";
static constexpr char kWhyNotWords[] =
    "an array of a type holding pointers needs a size that is a whole number "
    "of 8-byte words, or the pointers of its elements are not aligned (a "
    "packed struct?)";

void ReportMalformedType(const char *where, const cgosan_type *t) {
  const char *why = !t->ptrmask                ? kWhyNoMask
                    : t->ptrdata > t->size     ? kWhyPrefixTooLong
                                               : kWhyNotWords;
  ReportHere(kApiMisuse, kMsgMalformedType, t->name ? t->name : "?", where,
             (usize)t->size, (usize)t->ptrdata, why);
}

// Objects are made only of types the heap can use (CanAllocateArrayOf): a
// pointer slot is a whole word of an element, inside its ptrdata.
bool IsPointerSlot(const ObjectInfo &info, uptr word_index) {
  const cgosan_type *t = info.type;
  if (t->ptrdata == 0)
    return false;
  uptr in_elem = word_index % (t->size / sizeof(uptr));
  if (in_elem * sizeof(uptr) >= t->ptrdata)
    return false;
  return t->ptrmask[in_elem / 8] >> (in_elem % 8) & 1;
}

}  // namespace __cgosan
