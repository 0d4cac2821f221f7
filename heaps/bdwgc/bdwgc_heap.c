/* bdwgc_heap.c — the Boehm GC (bdwgc) adapter: a shared object that
 * `cgosan-run --heap bdwgc` preloads into an unmodified program linking
 * libgc, registering bdwgc with cgosan's heap interface (cgosan/heap.h).
 *
 * Objects come from bdwgc's own queries: GC_is_heap_ptr (a range test)
 * before GC_base, then GC_get_kind_and_size. Kinds: atomic (PTRFREE) holds
 * no pointers and is not scanned; normal is scanned conservatively (no
 * cgosan_type: every word may be a pointer); uncollectable (and atomic
 * uncollectable) is what foreign code may hold. What bdwgc scans: its
 * objects but the atomic ones, and, outside its heap, everything but the
 * system malloc's main arena (the brk heap): roots and thread stacks are
 * scanned, and a store there never hides a pointer. Memory malloc maps
 * (large blocks, other threads' arenas) is taken as scanned too: silence
 * there, never a false report.
 *
 * Deaths: bdwgc frees without telling anyone, so cgosan asks (`watch`) for
 * the objects whose pointer went where bdwgc does not look, and the adapter
 * puts a long link on each (bdwgc_watch.c): bdwgc clears it in the
 * collection that reclaims the object, after any finalizer that could
 * reach it ran, and the collection's end reports the free. The program's
 * finalizers are left as the program registered them. The program's own
 * frees (GC_FREE, and GC_realloc's of the old object) go through the
 * adapter's GC_free (GC_debug_free with GC_DEBUG), which reports them
 * before bdwgc takes the memory back.
 * With the race checker on, every reclaimed object is reported as well,
 * for its race shadow: a disclaim procedure (GC_register_disclaim_proc),
 * which bdwgc calls on each unmarked object of a block it sweeps, before
 * the memory is handed out again, under its allocation lock; registered
 * for the normal and atomic kinds at load and for each kind made later
 * (the typed and gcj kinds, a program's own), as bdwgc makes it (the
 * adapter's GC_new_kind_inner, which libgc calls through its PLT); a kind
 * that gets a disclaim procedure of its own (GC_register_disclaim_proc,
 * which the adapter defines too) has it called first, chained.
 * With retention=full (cgosan_heap_keeps_unreachable), the same procedure
 * asks cgosan about each dead object as large as a page and keeps it
 * (returns 1) while cgosan watches it for a first access; the collector's
 * world-stopped mark and its reclaim phase are what `collecting` answers,
 * and incremental mode keeps nothing (cgosan_heap_cannot_keep).
 * Collections are counted through GC_set_on_collection_event (chained to
 * the program's own), by their reclaim phase, which incremental
 * collections report too.
 *
 * The runtime's own data and bss (10 MB of tables, none of which holds the
 * program's references) are taken out of bdwgc's roots
 * (GC_exclude_static_roots): bdwgc reads every library's writable segments
 * at each collection, and reading the runtime's would make every
 * collection of a small program several times slower. Stores there are
 * then stores into memory bdwgc does not scan. */
#define _GNU_SOURCE
#include "bdwgc_watch.h"

#include <cgosan/heap.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <gc/gc.h>
#include <gc/gc_disclaim.h>
#include <gc/gc_mark.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* bdwgc's object kinds (gc_priv.h), as GC_get_kind_and_size returns them. */
enum { kPtrFree = 0, kNormal = 1, kUncollectable = 2, kAtomicUncollectable = 3 };

static uintptr_t brk_start;  /* the first byte of the brk heap */
/* The runtime's writable segments, excluded from bdwgc's roots. */
enum { kMaxExcluded = 4 };
static struct { uintptr_t lo, hi; } excluded[kMaxExcluded];
static int num_excluded;
static GC_on_collection_event_proc program_on_event;

/* An atomic object's bytes: no pointers, so cgosan walks none. */
static const cgosan_type kPointerFree = {"pointer-free bytes", 1, 0, NULL, 0};

static int FindObject(void *heap, const void *p, cgosan_heap_object *out) {
  (void)heap;
  if (!GC_is_init_called() || !GC_is_heap_ptr(p))
    return 0;  /* no GC object exists before GC_INIT */
  void *base = GC_base((void *)p);
  if (!base)
    return 0;
  size_t size;
  int kind = GC_get_kind_and_size(base, &size);
  out->base = base;
  out->size = size;
  out->type = kind == kPtrFree || kind == kAtomicUncollectable ? &kPointerFree : NULL;
  out->may_be_held = kind == kUncollectable || kind == kAtomicUncollectable;
  return 1;
}

static int Scans(void *heap, const void *p) {
  (void)heap;
  if (GC_is_init_called() && GC_is_heap_ptr(p)) {
    void *base = GC_base((void *)p);
    if (!base)
      return 1;  /* free heap memory: nothing there to keep alive */
    int kind = GC_get_kind_and_size(base, NULL);
    return kind != kPtrFree && kind != kAtomicUncollectable;
  }
  uintptr_t a = (uintptr_t)p;
  for (int i = 0; i < num_excluded; i++)
    if (a >= excluded[i].lo && a < excluded[i].hi)
      return 0;
  return !(brk_start && a >= brk_start && a < (uintptr_t)sbrk(0));
}

/* dl_iterate_phdr's callback: for the object loaded at `base` (the
 * runtime), excludes its writable PT_LOAD segments from bdwgc's roots. */
static int ExcludeWritableSegments(struct dl_phdr_info *info, size_t size, void *base) {
  (void)size;
  if ((void *)info->dlpi_addr != base)
    return 0;
  for (int i = 0; i < info->dlpi_phnum && num_excluded < kMaxExcluded; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    uintptr_t hi = lo + ph->p_memsz;
    GC_exclude_static_roots((void *)lo, (void *)hi);
    excluded[num_excluded].lo = lo;
    excluded[num_excluded].hi = hi;
    num_excluded++;
  }
  return 1;
}

static void ExcludeRuntimeData(void) {
  Dl_info info;
  if (dladdr((void *)cgosan_heap_register, &info) && info.dli_fbase)
    dl_iterate_phdr(ExcludeWritableSegments, info.dli_fbase);
}

static void Watch(void *heap, const void *base) {
  (void)heap;
  WatchObject(base);
}

/* The race checker is on: every reclaimed object's shadow is cleared. */
static int race_disclaims;

/* With retention=full cgosan may ask to keep an unreachable object a
 * library was handed, and watches the pages it owns for a first access.
 * Not in bdwgc's incremental mode (GC_enable_incremental), whose dirty bits
 * are page protections with its own SIGSEGV handler: told once. */
static int keeps_unreachable;
static int told_cannot_keep;
static long page_size;
static const char kIncremental[] =
    "bdwgc's incremental mode (GC_enable_incremental) protects the heap's "
    "pages itself";

/* Under bdwgc's allocation lock, or before any collection. */
static int KeepsNow(void) {
  if (!keeps_unreachable || told_cannot_keep)
    return 0;
  if (!GC_is_incremental_mode())
    return 1;
  told_cannot_keep = 1;
  cgosan_heap_cannot_keep(bdwgc_heap_id, kIncremental);
  return 0;
}

/* Whether bdwgc's collector runs: its world-stopped mark (its marker
 * threads read any object a word leads them to) and its reclaim phase
 * (GC_finalize marks from finalizable objects). Written by the collecting
 * thread's events, read from a signal handler. */
static int world_stopped, reclaiming;

static int Collecting(void *heap) {
  (void)heap;
  return __atomic_load_n(&world_stopped, __ATOMIC_ACQUIRE) ||
         __atomic_load_n(&reclaiming, __ATOMIC_ACQUIRE);
}

/* bdwgc is about to reclaim obj (or a slot that was already free): under
 * its allocation lock, so nothing here calls bdwgc but GC_size and
 * GC_is_incremental_mode, which take no lock. 0: reclaim it; 1: keep it
 * marked through this collection (asked again at the next). An object as
 * large as a page may own whole pages, which cgosan may protect while it
 * keeps it: bdwgc writes into a kept object no free-list link and no
 * clearing, and reads it only when a stale word marks it again. */
static int GC_CALLBACK ObjectReclaimed(void *obj) {
  size_t size = GC_size(obj);
  int large = size >= (size_t)page_size;
  if (large && KeepsNow())
    return cgosan_heap_object_unreachable(bdwgc_heap_id, obj, size);
  if (race_disclaims || (large && keeps_unreachable))  /* the latter: its note */
    cgosan_heap_object_freed(bdwgc_heap_id, obj, size);
  return 0;
}

/* A collection, for cgosan, is its reclaim phase: the links of the objects
 * it reclaims are cleared by its end, and no program code runs between
 * the two events (bdwgc holds its lock). GC_EVENT_START and GC_EVENT_END
 * would do for full collections, but bdwgc's incremental mode
 * (GC_enable_incremental) sends neither. */
static void OnCollectionEvent(GC_EventType event) {
  if (event == GC_EVENT_PRE_STOP_WORLD) {
    __atomic_store_n(&world_stopped, 1, __ATOMIC_RELEASE);
  } else if (event == GC_EVENT_POST_START_WORLD) {
    __atomic_store_n(&world_stopped, 0, __ATOMIC_RELEASE);
  } else if (event == GC_EVENT_RECLAIM_START) {
    __atomic_store_n(&reclaiming, 1, __ATOMIC_RELEASE);
    cgosan_heap_collection_begin(bdwgc_heap_id);
    KeepsNow();  /* says so once, when the program went incremental */
  } else if (event == GC_EVENT_RECLAIM_END) {
    ReportReclaimedWatchedObjects();
    cgosan_heap_collection_end(bdwgc_heap_id);
    __atomic_store_n(&reclaiming, 0, __ATOMIC_RELEASE);
  }
  if (program_on_event)
    program_on_event(event);
}

/* libgc's own definition of fn, which the adapter's replaces for the
 * program and for libgc's calls through its PLT. */
static void *Real(void **slot, const char *fn) {
  void *real = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!real) {
    real = dlsym(RTLD_NEXT, fn);
    __atomic_store_n(slot, real, __ATOMIC_RELEASE);
  }
  return real;
}

static void RegisterDisclaim(int kind, GC_disclaim_proc proc, int mark_from_all) {
  static void *real;
  ((void (*)(int, GC_disclaim_proc, int))Real(&real, "GC_register_disclaim_proc"))(
      kind, proc, mark_from_all);
}

/* A kind's own disclaim procedure (gc_disclaim's finalized kind, whose
 * maker registers it after making the kind; a program's), which bdwgc
 * would call instead of the adapter's: called first, and the object is
 * dead only when it lets it go (0). By kind; written under bdwgc's lock or
 * before the kind has blocks. */
enum { kMaxKinds = 64 };
static GC_disclaim_proc their_disclaim[kMaxKinds];

static int GC_CALLBACK TheirsThenReclaimed(void *obj) {
  int kind = GC_get_kind_and_size(obj, NULL);
  GC_disclaim_proc theirs = kind >= 0 && kind < kMaxKinds ? their_disclaim[kind] : NULL;
  if (theirs && theirs(obj))
    return 1;  /* theirs keeps it */
  return ObjectReclaimed(obj);
}

void GC_register_disclaim_proc(int kind, GC_disclaim_proc proc, int mark_from_all) {
  if ((race_disclaims || keeps_unreachable) && kind >= 0 && kind < kMaxKinds) {
    their_disclaim[kind] = proc;
    proc = TheirsThenReclaimed;
  }
  RegisterDisclaim(kind, proc, mark_from_all);
}

/* The program frees the object p points into itself: bdwgc calls no
 * disclaim procedure and clears no link there, so cgosan is told first,
 * while the object is intact, and its link taken back before the memory
 * can be another object's. */
static void TellFreedByProgram(void *p) {
  void *base = p && bdwgc_heap_id > 0 && GC_is_init_called() ? GC_base(p) : NULL;
  if (base) {
    size_t size = GC_size(base);
    ForgetWatchedObject(base);
    cgosan_heap_object_freed(bdwgc_heap_id, base, size);
  }
}

/* GC_FREE, and GC_realloc's free of the old object. */
void GC_free(void *p) {
  static void *real;
  TellFreedByProgram(p);
  ((void (*)(void *))Real(&real, "GC_free"))(p);
}

/* GC_FREE in a program built with GC_DEBUG: p points past the debugging
 * header. libgc's GC_debug_free calls its GC_free directly (an uncollectable
 * object), or fills the object with a marker and leaves it to the
 * collector (the others): either way the object is the program's no more. */
void GC_debug_free(void *p) {
  static void *real;
  TellFreedByProgram(p);
  ((void (*)(void *))Real(&real, "GC_debug_free"))(p);
}

/* bdwgc makes a kind (gc_typed's, gcj's, a program's GC_new_kind), under
 * its allocation lock: with the race checker on, its objects' deaths are
 * reported like the built-in kinds'. Registered before any block of the
 * kind exists, since a block takes its kind's procedure when it is made. A
 * kind whose maker registers a disclaim procedure of its own (gc_disclaim's
 * finalized kind) keeps that one. */
unsigned GC_new_kind_inner(void **free_list, GC_word descriptor, int adjust,
                           int clear) {
  static void *real;
  unsigned kind = ((unsigned (*)(void **, GC_word, int, int))Real(
      &real, "GC_new_kind_inner"))(free_list, descriptor, adjust, clear);
  if (race_disclaims || keeps_unreachable)
    RegisterDisclaim((int)kind, ObjectReclaimed, 0);
  return kind;
}

/* The start of the brk heap, from /proc/self/maps ("[heap]"); the current
 * break when there is none yet (the heap will start there). */
static uintptr_t BrkHeapStart(void) {
  uintptr_t start = (uintptr_t)sbrk(0);
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return start;
  static char maps[1 << 16];
  ssize_t n = read(fd, maps, sizeof(maps) - 1);
  close(fd);
  if (n <= 0)
    return start;
  maps[n] = 0;
  char *heap = strstr(maps, "[heap]");
  if (!heap)
    return start;
  while (heap > maps && heap[-1] != '\n')
    heap--;
  return (uintptr_t)strtoull(heap, NULL, 16);
}

static const cgosan_heap_ops kBdwgcOps = {"bdwgc", FindObject, Scans, Watch,
                                           Collecting};

__attribute__((constructor)) static void RegisterBdwgc(void) {
  brk_start = BrkHeapStart();
  bdwgc_heap_id = cgosan_heap_register(&kBdwgcOps, NULL);
  if (bdwgc_heap_id <= 0)
    return;
  ExcludeRuntimeData();
  program_on_event = GC_get_on_collection_event();
  GC_set_on_collection_event(OnCollectionEvent);
  /* Before the program allocates: bdwgc marks a block for its kind's
   * disclaim procedure when it makes the block. */
  page_size = sysconf(_SC_PAGESIZE);
  race_disclaims = cgosan_race_enabled();
  keeps_unreachable = cgosan_heap_keeps_unreachable(bdwgc_heap_id);
  if (race_disclaims || keeps_unreachable) {
    RegisterDisclaim(kPtrFree, ObjectReclaimed, 0);
    RegisterDisclaim(kNormal, ObjectReclaimed, 0);
  }
}
