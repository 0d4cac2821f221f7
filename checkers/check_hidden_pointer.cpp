// check_hidden_pointer.cpp — rule 4 on a foreign heap (cgocheck=2): a
// pointer to an object of a registered heap (include/cgosan/heap.h) that
// foreign code may not hold (Boehm GC: not uncollectable), stored or copied
// into memory that heap's collector does not scan (the system malloc's
// memory, the heap's own pointer-free objects), is hidden from it: Boehm
// GC's "hidden pointer" bug. The next collection that finds no other
// reference frees the object while that memory still points to it. Reported
// at the store with its stack; the object is then watched (the heap's
// `watch`: bdwgc puts a long link on it), and when the heap frees or moves it
// while the slot still points into it, reported again (retained-pointer)
// with both stacks, the store's and the free's, before the stale pointer is
// read. Unlike rule 4 on cgosan's own heap this holds on every thread, on a
// G or not: the foreign collector knows no G. Fine on purpose: objects
// foreign code may hold, memory the heap scans (its objects with pointers,
// its roots, thread stacks), and any value not in a foreign object. Cost:
// with cgocheck=2 and a foreign heap only, one call to the heap per stored
// value outside cgosan's ranges (bdwgc: GC_base), and for an object one
// more (does it scan the slot).
#include "hidden_pointers.h"

#include "hooks.h"

namespace __cgosan {

static constexpr char kMsgHiddenStore[] =
    "stored pointer 0x%zx to an object of heap '%s' into memory that heap "
    "does not scan, at 0x%zx (a hidden pointer)";
static constexpr char kMsgHiddenCopy[] =
    "copied pointer 0x%zx to an object of heap '%s' into memory that heap "
    "does not scan, at 0x%zx (a hidden pointer; a %zu-byte copy from 0x%zx)";
static constexpr char kMsgHiddenFreed[] =
    "object 0x%zx of heap '%s' %s while memory that "
    "heap does not scan still points to it, at 0x%zx";
static constexpr char kMsgHiddenMoved[] =
    "object 0x%zx of heap '%s' moved to 0x%zx by collection %llu while memory "
    "that heap does not scan still points to its old place, at 0x%zx";
static constexpr char kNoteHidden[] =
    "  the collector does not scan 0x%zx: it may free the object while the "
    "pointer stays there; make the object one foreign code may hold (bdwgc: "
    "GC_MALLOC_UNCOLLECTABLE), or keep a reference where the collector "
    "looks\n";
static constexpr char kTitleStored[] = "  the pointer was stored into 0x%zx at:";

// A hidden pointer reported at its store, remembered until its object dies.
// The object's base is kept complemented, as bdwgc's HIDE_POINTER does: the
// table lies in a library's data, which a conservative collector scans,
// and must not keep the object alive.
struct HiddenPointer {
  u32 heap;  // 0: a free entry
  u32 store_stack;
  uptr hidden_base, size, slot;
  uptr base() const { return ~hidden_base; }
};
static constexpr uptr kMaxHiddenPointers = 256;
static HiddenPointer hidden[kMaxHiddenPointers];
static StaticSpinMutex hidden_mu;
// Entries in use, for the lock-free "nothing remembered" test of every
// free a heap reports (bdwgc reports each object it sweeps under race).
static atomic_uintptr_t num_hidden;

// True when the table already holds this store (a store checked twice: by
// the pass, then by libc's memcpy it became): reported once.
static bool Remembered(const ObjectInfo &obj, uptr slot) {
  SpinMutexLock lock(&hidden_mu);
  for (const HiddenPointer &h : hidden) {
    if (h.heap == obj.heap && h.slot == slot && h.base() == obj.base)
      return true;
  }
  return false;
}

// Remembers (slot -> the object at base) for its death; a slot remembered
// again forgets what it held before. A full table forgets the new one.
static void Remember(const ObjectInfo &obj, uptr slot, u32 store_stack) {
  SpinMutexLock lock(&hidden_mu);
  HiddenPointer *free_entry = nullptr;
  for (HiddenPointer &h : hidden) {
    if (h.heap && h.slot == slot) {
      free_entry = &h;
      break;
    }
    if (!h.heap && !free_entry)
      free_entry = &h;
  }
  if (!free_entry)
    return;
  if (!free_entry->heap)
    atomic_fetch_add(&num_hidden, 1, memory_order_relaxed);
  *free_entry = {obj.heap, store_stack, ~obj.base, obj.size, slot};
}

static NOINLINE void ReportHiddenStore(const ObjectInfo &obj, uptr slot,
                                       uptr value, uptr copy_from,
                                       uptr copy_size) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kUnpinnedPointerStore;
  if (copy_from)
    SetMessage(&r, kMsgHiddenCopy, (usize)value, HeapName(obj.heap),
               (usize)slot, (usize)copy_size, (usize)copy_from);
  else
    SetMessage(&r, kMsgHiddenStore, (usize)value, HeapName(obj.heap),
               (usize)slot);
  AddNote(&r, "  0x%zx is ", (usize)value);
  AppendPointee(&r, value, obj);
  AddNote(&r, "%s\n", NotHeldNote(obj));
  AddNote(&r, kNoteHidden, (usize)slot);
  CaptureStack(&r.stack);
  EmitReport(r);
}

void CheckForeignStore(uptr slot, uptr value, uptr copy_from, uptr copy_size) {
  ObjectInfo obj;
  if (!FindForeignObject(value, &obj) || obj.pinned ||
      HeapScans(obj.heap, slot) || Remembered(obj, slot))
    return;
  ReportHiddenStore(obj, slot, value, copy_from, copy_size);
  Remember(obj, slot, CaptureStackId());
  WatchHeapObject(obj.heap, obj.base);
}

void CheckForeignCopy(uptr dst, uptr src, uptr n) {
  // Word-aligned words of the source, as a conservative collector reads.
  for (uptr a = RoundUpTo(src, kWord); a + kWord <= src + n; a += kWord) {
    uptr value = *reinterpret_cast<const uptr *>(a);
    if (!InManagedRange(value))
      CheckForeignStore(dst + (a - src), value, src, n);
  }
}

void CheckLibcCopy(void *dst, const void *src, uptr n) {
  static THREADLOCAL bool checking;
  if (checking || n < kWord)
    return;
  checking = true;
  CheckForeignCopy(reinterpret_cast<uptr>(dst), reinterpret_cast<uptr>(src), n);
  checking = false;
}

// The remembered pointers into the object at base of heap, taken out of the
// table; at most `max`.
static uptr TakeHidden(u32 heap, uptr base, HiddenPointer *out,
                       uptr max) {
  uptr n = 0;
  if (LIKELY(!atomic_load(&num_hidden, memory_order_relaxed)))
    return 0;
  SpinMutexLock lock(&hidden_mu);
  for (HiddenPointer &h : hidden) {
    if (h.heap == heap && h.base() == base && n < max) {
      out[n++] = h;
      h.heap = 0;
    }
  }
  atomic_fetch_sub(&num_hidden, n, memory_order_relaxed);
  return n;
}

// The slot still points into the object it was stored to point into.
static bool StillPoints(const HiddenPointer &h) {
  if (!IsReadable(h.slot, kWord))
    return false;  // its memory is gone: nothing left to read the pointer
  uptr value = *reinterpret_cast<const uptr *>(h.slot);
  return value - h.base() <= h.size;
}

static NOINLINE void ReportHiddenDeath(const HiddenPointer &h, uptr moved_to) {
  ErrnoSaver errno_saver;
  ReportDesc r = {};
  r.kind = kRetainedPointer;
  unsigned long long collection = HeapCollections(h.heap);
  if (moved_to)
    SetMessage(&r, kMsgHiddenMoved, (usize)h.base(), HeapName(h.heap),
               (usize)moved_to, collection, (usize)h.slot);
  else
    SetMessage(&r, kMsgHiddenFreed, (usize)h.base(), HeapName(h.heap),
               DescribeHeapFree(h.heap).text, (usize)h.slot);
  AddNote(&r, "  0x%zx holds 0x%zx\n", (usize)h.slot,
          (usize)*reinterpret_cast<const uptr *>(h.slot));
  CaptureStack(&r.stack);
  AddExtraStack(&r, h.store_stack, kTitleStored, (usize)h.slot);
  EmitReport(r);
}

// The object at base of heap is gone (freed, or moved to moved_to): a
// report for each remembered slot that still points into it.
static void HiddenObjectGone(u32 heap, uptr base, uptr moved_to) {
  HiddenPointer taken[8];
  uptr n = TakeHidden(heap, base, taken, ARRAY_SIZE(taken));
  for (uptr i = 0; i < n; i++) {
    if (StillPoints(taken[i]))
      ReportHiddenDeath(taken[i], moved_to);
  }
}

static void HiddenObjectFreed(u32 heap, uptr base, uptr) {
  HiddenObjectGone(heap, base, 0);
}

static void HiddenObjectMoved(u32 heap, uptr from, uptr to, uptr) {
  HiddenObjectGone(heap, from, to);
}

// The load-time hook (rtl.h's rule 1 allows this shape), as the race
// checker's: the events' slots are filled before any heap registers.
__attribute__((constructor)) static void cgosan_hidden_pointers_load_time_init() {
  EnsureInitialized();
  hooks.heap_object_freed = HiddenObjectFreed;
  hooks.heap_object_moved = HiddenObjectMoved;
}

}  // namespace __cgosan
