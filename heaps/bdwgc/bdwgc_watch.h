/* bdwgc_watch.h — the objects cgosan asked the bdwgc adapter to watch
 * (bdwgc_watch.c), and the adapter's heap id they are reported under. */
#ifndef CGOSAN_HEAPS_BDWGC_WATCH_H
#define CGOSAN_HEAPS_BDWGC_WATCH_H

#include <stddef.h>

/* The id cgosan_heap_register gave the adapter (0 before, or on a refusal). */
extern int bdwgc_heap_id;

/* cgosan wants to hear of the death of the object at base: a long link
 * (GC_register_long_link) on it, unless one is already there. Called
 * without bdwgc's lock. */
void WatchObject(const void *base);
/* The program frees the object at base itself (GC_free): its link, if any,
 * is taken back before the memory can be another object's. Without
 * bdwgc's lock. */
void ForgetWatchedObject(const void *base);
/* At the end of a collection's reclaim phase, under bdwgc's lock with the
 * world running:
 * each watched object whose link bdwgc cleared (the collection reclaimed
 * it) is reported freed. */
void ReportReclaimedWatchedObjects(void);

#endif /* CGOSAN_HEAPS_BDWGC_WATCH_H */
