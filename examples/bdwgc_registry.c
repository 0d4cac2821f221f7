// bdwgc_registry.c — a plain C program using Boehm GC, no cgosan calls: it
// keeps the sessions it allocates with GC_MALLOC in a registry it
// malloc'd. bdwgc never scans the system malloc's memory, so the registry's
// pointer is hidden from it: the next collection frees the session while
// the registry still points to it, and the later read sees freed, soon
// reused memory. Built with the clang pass (-cgosan-check-stores), run
// under `cgosan-run --heap bdwgc` with cgocheck=2:
//   bdwgc_registry bug    the store is reported, then the collection that
//                         frees the session (halt_on_error=0: both)
//   bdwgc_registry fixed  the session is GC_MALLOC_UNCOLLECTABLE (freed by
//                         hand when unregistered): no report
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
  int id;
  char user[16];
};
struct registry {
  struct session *current;
};

static int fixed;

__attribute__((noinline)) static void open_session(struct registry *r, int id) {
  struct session *s = fixed ? GC_MALLOC_UNCOLLECTABLE(sizeof *s) : GC_MALLOC(sizeof *s);
  s->id = id;
  strcpy(s->user, "alice");
  r->current = s;  // the only reference, in malloc'd memory
}

int main(int argc, char **argv) {
  fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
  GC_INIT();
  struct registry *registry = malloc(sizeof *registry);
  open_session(registry, 7);
  GC_gcollect();
  printf("session %d of %s\n", registry->current->id, registry->current->user);
  if (fixed)
    GC_FREE(registry->current);
  free(registry);
  return 0;
}
