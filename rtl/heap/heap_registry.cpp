// heap_registry.cpp — the heaps the checkers know: cgosan's own as heap 0,
// answered as a foreign collector's find_object would be (OwnFindObject;
// the checkers ask it inline, heap.h), and up to three foreign heaps
// registered with cgosan_heap_ops (include/cgosan/heap.h). A slot is filled
// once and never emptied (a collector lives as long as the process), so
// readers take no lock: they load num_foreign_heaps, then the slots below it.
// Events go to the checkers through hooks.h (rtl never calls a checker).
#include "heap_registry.h"

#include "hooks.h"
#include "report.h"

namespace __cgosan {

static constexpr char kMsgRegisterMissing[] =
    "cgosan_heap_register: the heap's %s is missing (NULL)";
static constexpr char kMsgRegisterTwice[] =
    "cgosan_heap_register: heap '%s' is already registered (the same ops "
    "and cookie)";
static constexpr char kMsgRegisterFull[] =
    "cgosan_heap_register: no room for heap '%s': %u foreign heaps at most";
static constexpr char kMsgUnknownHeap[] =
    "%s: %d is not the id of a registered foreign heap";

struct RegisteredHeap {
  const cgosan_heap_ops *ops;
  void *cookie;
  atomic_uint64_t collections;  // begun
  atomic_uint8_t collecting;    // between a begin and its end
};

atomic_uint32_t num_foreign_heaps;
}  // namespace __cgosan
// 1 once a foreign heap is registered: the interposers read it inline, to
// check calls made off a G (cgosan_check_retained_foreign).
extern "C" SANITIZER_INTERFACE_ATTRIBUTE __sanitizer::u8 __cgosan_foreign_heap;
__sanitizer::u8 __cgosan_foreign_heap;
// 1 once a foreign heap that can keep unreachable objects is registered
// and retention watches them (retention=full): the interposers then lend
// the arguments of calls made off a G too (cgosan_lend), one load on their
// fast path.
extern "C" SANITIZER_INTERFACE_ATTRIBUTE __sanitizer::u8 __cgosan_foreign_lending;
__sanitizer::u8 __cgosan_foreign_lending;
namespace __cgosan {
uptr checked_range_start, checked_range_size;
uptr checked_range_log2;
static RegisteredHeap heaps[kMaxHeaps];  // by id; [0] unused (cgosan's own)
static StaticSpinMutex register_mu;

static const u8 kOneWordMask[1] = {1};
const cgosan_type kConservativeWordType = {"word", sizeof(uptr), sizeof(uptr),
                                           kOneWordMask, 0};

static constexpr char kOwnHeapName[] = "cgosan";
static constexpr char kFreedByCollection[] = "freed by collection %llu";
static constexpr char kFreedByProgram[] = "freed by the program";

// cgosan's own heap, described as any heap describes its objects.
static int OwnFindObject(const void *p, cgosan_heap_object *out) {
  ObjectInfo info;
  if (!FindReferent(reinterpret_cast<uptr>(p), &info))
    return 0;
  out->base = reinterpret_cast<const void *>(info.base);
  out->size = info.size;
  out->type = info.type;
  out->may_be_held = info.pinned;
  return 1;
}

void InitializeHeapRegistry() {
  checked_range_start = arena_start;
  checked_range_size = kManagedRangeSize;
  static_assert((kManagedRangeSize & (kManagedRangeSize - 1)) == 0,
                "the vector range compare shifts by the range's log2");
  checked_range_log2 = __builtin_ctzll(kManagedRangeSize);
}

// A foreign heap, by id.
static const RegisteredHeap *Heap(u32 id) {
  DCHECK_NE(id, kOwnHeap);
  return &heaps[id];
}

// o as the walks and reports take an object. A type the walks cannot use
// (CanAllocateArrayOf) is read as no type: every word a possible pointer.
static bool ToObjectInfo(u32 id, const cgosan_heap_object &o, ObjectInfo *info) {
  *info = ObjectInfo();
  info->base = reinterpret_cast<uptr>(o.base);
  info->size = o.size;
  info->pinned = o.may_be_held;
  info->heap = id;
  if (o.type && o.type->size && CanAllocateArrayOf(o.type, o.size / o.type->size)) {
    info->type = o.type;
    info->count = o.size / o.type->size;
  } else {
    info->type = &kConservativeWordType;
    info->count = o.size / sizeof(uptr);
  }
  return true;
}

// The id of the foreign heap whose live object addr points into (0: none),
// with *o filled.
static u32 FindInForeignHeaps(uptr addr, cgosan_heap_object *o) {
  u32 n = atomic_load(&num_foreign_heaps, memory_order_acquire);
  for (u32 id = 1; id <= n; id++) {
    const RegisteredHeap *h = Heap(id);
    *o = cgosan_heap_object();
    if (h->ops->find_object(h->cookie, reinterpret_cast<const void *>(addr), o))
      return id;
  }
  return 0;
}

bool FindForeignObject(uptr addr, ObjectInfo *info) {
  cgosan_heap_object o;
  u32 id = FindInForeignHeaps(addr, &o);
  return id && ToObjectInfo(id, o, info);
}

bool FindAnyHeapObject(uptr addr, ObjectInfo *info) {
  return FindReferent(addr, info) || (AnyForeignHeap() && FindForeignObject(addr, info));
}

bool HeapScans(u32 id, uptr addr) {
  return Heap(id)->ops->scans(Heap(id)->cookie, reinterpret_cast<const void *>(addr));
}

const char *HeapName(u32 id) {
  return id == kOwnHeap ? kOwnHeapName : Heap(id)->ops->name;
}

u64 HeapCollections(u32 id) {
  DCHECK_NE(id, kOwnHeap);
  return atomic_load(&heaps[id].collections, memory_order_relaxed);
}

HeapFreeCause DescribeHeapFree(u32 id) {
  HeapFreeCause cause;
  if (atomic_load(&Heap(id)->collecting, memory_order_relaxed))
    internal_snprintf(cause.text, sizeof(cause.text), kFreedByCollection,
                      (unsigned long long)HeapCollections(id));
  else
    internal_snprintf(cause.text, sizeof(cause.text), kFreedByProgram);
  return cause;
}

bool HeapCollectorReads(u32 id) {
  const RegisteredHeap *h = Heap(id);
  return h->ops->collecting && h->ops->collecting(h->cookie);
}

void WatchHeapObject(u32 id, uptr base) {
  if (id != kOwnHeap && Heap(id)->ops->watch)
    Heap(id)->ops->watch(Heap(id)->cookie, reinterpret_cast<const void *>(base));
}

// The registered foreign heap `id`, or null after an api-misuse report.
static const RegisteredHeap *ForeignHeap(int id, const char *fn) {
  if (id >= 1 && static_cast<u32>(id) <=
                     atomic_load(&num_foreign_heaps, memory_order_acquire))
    return &heaps[id];
  ReportHere(kApiMisuse, kMsgUnknownHeap, fn, id);
  return nullptr;
}

static int Register(const cgosan_heap_ops *ops, void *cookie) {
  const char *missing = !ops                 ? "ops"
                        : !ops->name         ? "name"
                        : !ops->find_object  ? "find_object"
                        : !ops->scans        ? "scans"
                                             : nullptr;
  if (missing) {
    ReportHere(kApiMisuse, kMsgRegisterMissing, missing);
    return 0;
  }
  SpinMutexLock lock(&register_mu);
  u32 n = atomic_load(&num_foreign_heaps, memory_order_relaxed);
  for (u32 id = 1; id <= n; id++) {
    if (heaps[id].ops == ops && heaps[id].cookie == cookie) {
      ReportHere(kApiMisuse, kMsgRegisterTwice, ops->name);
      return 0;
    }
  }
  if (n + 1 >= kMaxHeaps) {
    ReportHere(kApiMisuse, kMsgRegisterFull, ops->name, kMaxHeaps - 1);
    return 0;
  }
  heaps[n + 1].ops = ops;
  heaps[n + 1].cookie = cookie;
  atomic_store(&num_foreign_heaps, n + 1, memory_order_release);
  __atomic_store_n(&__cgosan_foreign_heap, 1, __ATOMIC_RELEASE);
  // Plain stores, read racily: a check that still sees the managed range
  // misses a foreign object the heap may not even have made yet. Widened
  // before moved (x86 keeps stores in order; the fence keeps the compiler
  // from reordering them), so a check that reads the new size or shift
  // with the old start still admits the managed range, never a part of it.
  checked_range_size = ~static_cast<uptr>(0);
  checked_range_log2 = 64;  // psrlq by 64 leaves 0: every value
  atomic_signal_fence(memory_order_seq_cst);
  checked_range_start = 0;
  if (hooks.heap_registered)
    hooks.heap_registered(n + 1);
  if (hooks.keep_heap_object)
    __atomic_store_n(&__cgosan_foreign_lending, 1, __ATOMIC_RELEASE);
  return static_cast<int>(n + 1);
}

// The object [b, b + size) of heap id is dead to the program.
static void ObjectFreed(int id, uptr b, uptr size) {
  if (hooks.object_died)  // the race shadow: a new object there starts afresh
    hooks.object_died(b, size);
  if (hooks.heap_object_freed)
    hooks.heap_object_freed(id, b, size);
  if (hooks.retained_heap_object_freed)
    hooks.retained_heap_object_freed(id, b, size);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE int cgosan_heap_register(
    const cgosan_heap_ops *ops, void *heap) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  return Register(ops, heap);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_heap_object_freed(
    int id, const void *base, size_t size) {
  ErrnoSaver errno_saver;
  if (!ForeignHeap(id, "cgosan_heap_object_freed"))
    return;
  ObjectFreed(id, reinterpret_cast<uptr>(base), size);
  if (hooks.lent_heap_object_freed)
    hooks.lent_heap_object_freed(id, reinterpret_cast<uptr>(base));
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE int cgosan_heap_keeps_unreachable(int id) {
  return ForeignHeap(id, "cgosan_heap_keeps_unreachable") &&
         hooks.keep_heap_object != nullptr;
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE int cgosan_heap_object_unreachable(
    int id, const void *base, size_t size) {
  ErrnoSaver errno_saver;
  if (!ForeignHeap(id, "cgosan_heap_object_unreachable"))
    return 0;
  uptr b = reinterpret_cast<uptr>(base);
  HeapKeepAnswer before =
      hooks.kept_heap_object ? hooks.kept_heap_object(id, b) : kNotKeptBefore;
  if (before != kNotKeptBefore)  // its death was told at the first ask
    return before == kKeepIt;
  // Kept first: the keeper takes the note of the call it was handed to.
  bool keep = hooks.keep_heap_object && hooks.keep_heap_object(id, b, size);
  ObjectFreed(id, b, size);
  return keep;
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_heap_cannot_keep(
    int id, const char *why) {
  ErrnoSaver errno_saver;
  if (ForeignHeap(id, "cgosan_heap_cannot_keep") && hooks.heap_cannot_keep)
    hooks.heap_cannot_keep(id, why ? why : "?");
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_heap_object_moved(
    int id, const void *from, const void *to, size_t size) {
  ErrnoSaver errno_saver;
  if (ForeignHeap(id, "cgosan_heap_object_moved") && hooks.heap_object_moved)
    hooks.heap_object_moved(id, reinterpret_cast<uptr>(from),
                            reinterpret_cast<uptr>(to), size);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_heap_collection_begin(int id) {
  ErrnoSaver errno_saver;
  if (!ForeignHeap(id, "cgosan_heap_collection_begin"))
    return;
  atomic_fetch_add(&heaps[id].collections, 1, memory_order_relaxed);
  atomic_store(&heaps[id].collecting, 1, memory_order_relaxed);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_heap_collection_end(int id) {
  ErrnoSaver errno_saver;
  if (ForeignHeap(id, "cgosan_heap_collection_end"))
    atomic_store(&heaps[id].collecting, 0, memory_order_relaxed);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE int cgosan_heap_find(
    const void *p, cgosan_heap_object *out) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  if (OwnFindObject(p, out))
    return kOwnHeap;
  u32 id = FindInForeignHeaps(reinterpret_cast<uptr>(p), out);
  return id ? static_cast<int>(id) : -1;
}
