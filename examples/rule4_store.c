/* rule4_store.c — rule 4 (cgocheck=2): managed code must not store an
 * unpinned managed pointer into foreign memory.
 *
 * libfoo allocates a registry with malloc and offers a user field. Managed
 * code puts its session object there: the collector never scans libfoo's
 * malloc'd memory, so the session can be freed while the registry points to
 * it. The store itself is the bug, so only cgocheck=2 watches stores (the
 * clang pass inserts cgosan_check_store before each one; here it is written
 * out by hand).
 *
 *   CGOSAN_OPTIONS=cgocheck=2 rule4_store bug     unpinned-pointer-store
 *   CGOSAN_OPTIONS=cgocheck=2 rule4_store fixed   stores a handle instead */
#include <cgosan/cgosan.h>
#include "libfoo/foo.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct session {
  long user_id;
};
static const cgosan_type kSessionType = {"struct session", sizeof(struct session), 0, NULL, 0};

struct registry_frame {
  struct foo_registry *registry;
};

static void call_registry_new(void *arg) {
  ((struct registry_frame *)arg)->registry = foo_registry_new();
}

static void call_registry_free(void *arg) {
  foo_registry_free(((struct registry_frame *)arg)->registry);
}

static void managed_main(void *arg) {
  int fixed = *(int *)arg;
  struct registry_frame f = {NULL};
  cgosan_cgocall(call_registry_new, &f);
  struct session *session = cgosan_new(&kSessionType);
  session->user_id = 1001;
  if (fixed) {
    f.registry->user = (void *)cgosan_handle_new(session); /* an integer to C */
    struct session *back = cgosan_handle_value((uintptr_t)f.registry->user);
    printf("registry holds handle %p for user %ld\n", f.registry->user, back->user_id);
    cgosan_handle_delete((uintptr_t)f.registry->user);
  } else {
    cgosan_check_store(&f.registry->user, session);
    f.registry->user = session;
    printf("registry holds %p\n", f.registry->user);
  }
  cgosan_cgocall(call_registry_free, &f);
}

int main(int argc, char **argv) {
  int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
  return cgosan_run(managed_main, &fixed);
}
