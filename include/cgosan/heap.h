/* cgosan/heap.h — bring your own heap: how a collector cgosan does not own
 * (Boehm GC, a language VM's heap) lets the checkers see its objects.
 *
 * A collector registers once, with two functions: where an object is (the
 * live object a pointer points into: its base, size, type if known, and
 * whether foreign code may hold it), and what the collector scans (whether a
 * word of memory is one it reads for pointers: its roots, its stacks, its own
 * objects that may hold pointers). Then it reports its events: an object
 * freed, an object moved, a collection begun and ended. cgosan's own heap is
 * registered the same way, as heap 0; `cgosan_heap_find` answers for every
 * registered heap.
 *
 * What the checkers do with a registered heap's objects: a pointer to an
 * object foreign code may not hold, stored (cgocheck=2) or copied into memory
 * the collector does not scan, is an `unpinned-pointer-store` report (Boehm
 * GC's "hidden pointer"); an object freed by a collection while such memory
 * still points to it is a `retained-pointer` report, and so is an object
 * freed while a library keeps it (an annotated `retains` call, checked on
 * any thread once a heap is registered, until its `until` call); a
 * callback's result (rule 3) and an argument's contents (rule 1) are judged
 * as for cgosan's own objects, with "may be held" in the place of "pinned".
 * With the race checker on, a freed object leaves nothing in its shadow.
 * With retention=full, an object handed to a foreign call that the collector
 * then finds unreachable is kept, unreused, where the heap can keep it
 * (cgosan_heap_object_unreachable), and the first foreign access to it is a
 * `retained-pointer` report.
 */
#ifndef CGOSAN_HEAP_H
#define CGOSAN_HEAP_H

#include <cgosan/cgosan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The live object a pointer points into, as its heap describes it. */
typedef struct cgosan_heap_object {
  const void *base;         /* its first byte */
  size_t size;              /* its bytes */
  const cgosan_type *type;  /* its layout; NULL: every word may be a pointer */
  int may_be_held;          /* 1: foreign code may keep it (pinned,
                               uncollectable); 0: only while a call is in
                               flight, and never where the collector does not
                               scan */
} cgosan_heap_object;

typedef struct cgosan_heap_ops {
  const char *name; /* for reports: "bdwgc" */
  /* 1, with *out filled, when p points into a live object of this heap;
   * else 0. Called from any thread, also while the heap collects: it must
   * not allocate from this heap, take a lock the collector holds, or call
   * into cgosan. */
  int (*find_object)(void *heap, const void *p, cgosan_heap_object *out);
  /* 1 when the collector reads the word at p for pointers (a root, a
   * thread's stack, an object of its own that may hold pointers); 0 for
   * memory it never scans (the system malloc's, its own pointer-free
   * objects). Same rules as find_object. */
  int (*scans)(void *heap, const void *p);
  /* Optional (NULL: the heap reports every free itself). cgosan wants to
   * hear, through cgosan_heap_object_freed, when the object at base dies:
   * it crossed the boundary (a pointer to it went where the collector does
   * not look). Called outside the heap's collections, never from ops. */
  void (*watch)(void *heap, const void *base);
  /* Optional (NULL: never). 1 while the collector itself may read the
   * memory of an object it found unreachable (bdwgc: its world-stopped
   * mark, its reclaim phase): a fault there on the pages of an object cgosan
   * asked it to keep (cgosan_heap_object_unreachable) is the collector's,
   * not a use. Called from a signal handler: it must only read a flag. */
  int (*collecting)(void *heap);
} cgosan_heap_ops;

/* Registers a heap: ops (which must stay valid) and the cookie passed back
 * to them. Returns the heap's id, > 0; 0 after an `api-misuse` report (a
 * missing function or name, the same heap twice, too many heaps). */
int  cgosan_heap_register(const cgosan_heap_ops *ops, void *heap);

/* Events of heap `id`. freed: [base, base + size) is no longer an object
 * (the collector reclaimed it, or the program freed it explicitly). moved:
 * the object at `from` now lives at `to`. A collection's begin and end
 * bracket the frees it causes; reports name collections by their count,
 * and call a free reported outside them "freed by the program". */
void cgosan_heap_object_freed(int id, const void *base, size_t size);
void cgosan_heap_object_moved(int id, const void *from, const void *to, size_t size);
void cgosan_heap_collection_begin(int id);
void cgosan_heap_collection_end(int id);

/* 1 when cgosan may ask heap `id` to keep an unreachable object's memory
 * (CGOSAN_OPTIONS=retention=full): the heap should then tell of the
 * deaths of objects alone on their memory pages through
 * cgosan_heap_object_unreachable, and of the others as before. Fixed once
 * the heap is registered. */
int  cgosan_heap_keeps_unreachable(int id);
/* The collector found the object at base unreachable and can keep its
 * memory as it is: the first time, the same event as
 * cgosan_heap_object_freed; returns 1 when cgosan wants the memory kept (a
 * library it was handed to may still read it: the first access is then a
 * report). The heap then keeps it allocated and unwritten, and asks again
 * at each later collection that finds it unreachable, until cgosan answers
 * 0 (the access was reported, or the quarantine, retention_quarantine_kb,
 * is full): it then frees the memory, with no further event. cgosan may
 * protect the object's pages meanwhile: only an object alone on its pages
 * qualifies, and the heap reads it only while `collecting` says so. */
int  cgosan_heap_object_unreachable(int id, const void *base, size_t size);
/* Heap `id` can keep no unreachable object from now on (bdwgc's
 * incremental mode protects its pages itself): cgosan releases those it
 * keeps and says so once with verbosity=1, `why` naming the cause. */
void cgosan_heap_cannot_keep(int id, const char *why);

/* The id of the registered heap whose live object p points into (0 for
 * cgosan's own heap), with *out filled; -1 when none. */
int  cgosan_heap_find(const void *p, cgosan_heap_object *out);

#ifdef __cplusplus
}
#endif

#endif /* CGOSAN_HEAP_H */
