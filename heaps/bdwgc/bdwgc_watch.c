/* bdwgc_watch.c — how the bdwgc adapter learns that an object cgosan
 * watches (one whose pointer crossed into memory bdwgc does not scan) was
 * reclaimed: a long link (GC_register_long_link) on it. bdwgc clears a long
 * link in the collection that reclaims its object, after every finalizer
 * that could still reach the object has run, and the end of the
 * collection's reclaim phase (GC_EVENT_RECLAIM_END, under bdwgc's lock, the
 * world running) finds the cleared links and reports those objects freed,
 * before the memory is handed out again. A link touches none of the program's finalizers: an object keeps
 * the finalizer the program gave it, with the ordering the program chose
 * (GC_REGISTER_FINALIZER or _no_order), and is watched all the same.
 * Allowed on purpose: one link per object however often it is watched; a
 * table of 2^20 objects watched at once, beyond which objects go unwatched
 * (a miss, never a false report).
 * Cost: per watched object, a lookup under bdwgc's lock and a link
 * registration; per collection, a pass over the watched objects. */
#define _GNU_SOURCE
#include "bdwgc_watch.h"

#include <cgosan/heap.h>
#include <gc/gc.h>
#include <stdint.h>
#include <sys/mman.h>

enum { kLogSlots = 21, kMaxWatched = 1 << 20 };
enum { kFree = 0, kWatched, kForgetting };

/* Entries never move: bdwgc keeps the address of each link. */
struct WatchLink {
  GC_hidden_pointer link;  /* the hidden base; bdwgc writes 0 at the reclaim */
  GC_hidden_pointer base;  /* the hidden base, kept: the key */
  size_t size;
  uint32_t next_free;      /* a free entry: 1 + the next free one's index */
  uint8_t state;
};

int bdwgc_heap_id;
static struct WatchLink *entries;
static uint32_t *slots;  /* open addressing on the base: 1 + an entry's index */
static uint32_t high_water;  /* entries below it have been used */
static uint32_t free_head;   /* 1 + the first free entry's index; 0: none */
/* Entries in use; read without the lock by the program's frees, to skip
 * the lock when nothing is watched. */
static uint32_t num_watched;

static const size_t kSlotMask = ((size_t)1 << kLogSlots) - 1;

static size_t Hash(GC_hidden_pointer key) {
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - kLogSlots));
}

/* The slot holding key, or the empty one where it would go (never full:
 * twice as many slots as entries). */
static uint32_t *SlotOf(GC_hidden_pointer key) {
  for (size_t i = Hash(key);; i = (i + 1) & kSlotMask)
    if (!slots[i] || entries[slots[i] - 1].base == key)
      return &slots[i];
}

/* Empties a slot, moving back the entries its probe runs passed. */
static void RemoveSlot(uint32_t *slot) {
  size_t hole = (size_t)(slot - slots);
  slots[hole] = 0;
  for (size_t i = (hole + 1) & kSlotMask; slots[i]; i = (i + 1) & kSlotMask) {
    size_t home = Hash(entries[slots[i] - 1].base);
    if (((i - home) & kSlotMask) >= ((i - hole) & kSlotMask)) {
      slots[hole] = slots[i];
      slots[i] = 0;
      hole = i;
    }
  }
}

static void FreeEntry(uint32_t i) {
  __atomic_store_n(&num_watched, num_watched - 1, __ATOMIC_RELAXED);
  entries[i].state = kFree;
  entries[i].next_free = free_head;
  free_head = i + 1;
}

struct Request {
  GC_hidden_pointer base;
  size_t size;
  long entry;  /* the entry made or taken; -1: none */
};

/* Under bdwgc's lock (GC_call_with_alloc_lock), as every function below
 * that ends in Locked. */
static void *AddEntryLocked(void *arg) {
  struct Request *r = arg;
  uint32_t *slot = SlotOf(r->base);
  if (*slot)
    return NULL;  /* watched already */
  uint32_t i;
  if (free_head) {
    i = free_head - 1;
    free_head = entries[i].next_free;
  } else if (high_water < kMaxWatched) {
    i = high_water++;
  } else {
    return NULL;  /* full: unwatched */
  }
  entries[i].link = r->base;
  entries[i].base = r->base;
  entries[i].size = r->size;
  entries[i].state = kWatched;
  __atomic_store_n(&num_watched, num_watched + 1, __ATOMIC_RELAXED);
  *slot = i + 1;
  r->entry = i;
  return NULL;
}

/* Takes the entry of r->base out of the table, for its link to be
 * unregistered without the lock; the collection's pass leaves it alone. */
static void *TakeEntryLocked(void *arg) {
  struct Request *r = arg;
  uint32_t *slot = SlotOf(r->base);
  if (!*slot)
    return NULL;
  r->entry = *slot - 1;
  entries[r->entry].state = kForgetting;
  RemoveSlot(slot);
  return NULL;
}

static void *FreeEntryLocked(void *arg) {
  FreeEntry((uint32_t)((struct Request *)arg)->entry);
  return NULL;
}

void WatchObject(const void *base) {
  if (!entries)
    return;
  struct Request r = {GC_HIDE_POINTER(base), GC_size(base), -1};
  GC_call_with_alloc_lock(AddEntryLocked, &r);
  if (r.entry < 0)
    return;
  /* Without the lock (bdwgc takes it): until then the link is not 0, so a
   * collection meanwhile takes the object for alive, which it is. */
  if (GC_register_long_link((void **)&entries[r.entry].link, (void *)base) !=
      GC_SUCCESS) {
    GC_call_with_alloc_lock(TakeEntryLocked, &r);  /* no memory: unwatched */
    GC_call_with_alloc_lock(FreeEntryLocked, &r);
  }
}

void ForgetWatchedObject(const void *base) {
  /* An object being freed is not being watched meanwhile (that would be
   * the program passing freed memory), so a stale count only costs the
   * lock. */
  if (!entries || !__atomic_load_n(&num_watched, __ATOMIC_RELAXED))
    return;
  struct Request r = {GC_HIDE_POINTER(base), 0, -1};
  GC_call_with_alloc_lock(TakeEntryLocked, &r);
  if (r.entry < 0)
    return;
  GC_unregister_long_link((void **)&entries[r.entry].link);
  GC_call_with_alloc_lock(FreeEntryLocked, &r);
}

void ReportReclaimedWatchedObjects(void) {
  for (uint32_t i = 0; i < high_water; i++) {
    struct WatchLink *w = &entries[i];
    if (w->state != kWatched || w->link)
      continue;
    void *base = GC_REVEAL_POINTER(w->base);
    size_t size = w->size;
    RemoveSlot(SlotOf(w->base));
    FreeEntry(i);
    cgosan_heap_object_freed(bdwgc_heap_id, base, size);
  }
}

__attribute__((constructor)) static void ReserveWatchTable(void) {
  size_t entry_bytes = sizeof(struct WatchLink) * kMaxWatched;
  size_t slot_bytes = sizeof(uint32_t) << kLogSlots;
  int prot = PROT_READ | PROT_WRITE;
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  void *e = mmap(NULL, entry_bytes, prot, flags, -1, 0);
  void *s = mmap(NULL, slot_bytes, prot, flags, -1, 0);
  if (e == MAP_FAILED || s == MAP_FAILED) {  /* nothing is watched */
    if (e != MAP_FAILED)
      munmap(e, entry_bytes);
    if (s != MAP_FAILED)
      munmap(s, slot_bytes);
    return;
  }
  entries = e;
  slots = s;
}
