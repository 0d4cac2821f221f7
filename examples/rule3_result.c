/* rule3_result.c — rule 3: a managed callback must not return an unpinned
 * managed pointer to foreign code.
 *
 * libfoo's foo_lookup asks a callback for a value and caches what it gets.
 * The managed callback answers with a managed string: libfoo now holds a
 * pointer the collector knows nothing about.
 *
 *   rule3_result bug     returns the managed pointer: unpinned-pointer-in-result
 *   rule3_result fixed   returns a handle (cgosan_handle_new); libfoo passes the
 *                        handle around, managed code turns it back into the
 *                        object with cgosan_handle_value */
#include <cgosan/cgosan.h>
#include "libfoo/foo.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kValueType = {"char[16]", 16, 0, NULL, 0};

struct lookup_frame {
  int key;
  int fixed;
  const void *result;
};

static void managed_lookup(void *arg) { /* runs as managed code */
  struct lookup_frame *f = arg;
  char *value = cgosan_new(&kValueType);
  snprintf(value, 16, "value-%d", f->key);
  f->result = f->fixed ? (const void *)cgosan_handle_new(value) : value;
}

/* The C callback libfoo calls: re-enters managed code, checks what it returns. */
static const void *lookup_callback(int key, void *ud) {
  struct lookup_frame f = {key, *(int *)ud, NULL};
  cgosan_cgocallback(managed_lookup, &f);
  if (!f.fixed)
    cgosan_check_result(f.result, NULL, "lookup_callback");
  return f.result;
}

struct call_frame {
  int fixed;
  const void *got;
};

static void call_foo_lookup(void *arg) {
  struct call_frame *f = arg;
  f->got = foo_lookup(lookup_callback, 42, &f->fixed);
}

static void managed_main(void *arg) {
  struct call_frame f = {*(int *)arg, NULL};
  cgosan_cgocall(call_foo_lookup, &f);
  if (f.fixed) {
    uintptr_t handle = (uintptr_t)f.got;
    printf("libfoo cached handle %#lx -> \"%s\"\n", (unsigned long)handle,
           (const char *)cgosan_handle_value(handle));
    cgosan_handle_delete(handle);
  } else {
    printf("libfoo cached %p\n", f.got);
  }
}

int main(int argc, char **argv) {
  int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
  return cgosan_run(managed_main, &fixed);
}
