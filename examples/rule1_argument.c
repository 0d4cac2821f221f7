/* rule1_argument.c — rule 1: managed memory passed to foreign code must not
 * contain unpinned managed pointers.
 *
 * A row (managed) holds a pointer to its name (managed too) and is handed to
 * libfoo's foo_store, which copies the bytes, pointer included, into its
 * journal. The collector does not scan libfoo's journal, so once the call
 * returns nothing stops it from freeing (and reusing) the name.
 *
 *   rule1_argument bug     passes the row as it is: unpinned-pointer-in-argument
 *   rule1_argument fixed   pins the name for as long as libfoo may use it */
#include <cgosan/cgosan.h>
#include "libfoo/foo.h"
#include <stdio.h>
#include <string.h>

struct row {
  char *name; /* managed char[32] */
  long id;
};
static const uint8_t kRowPointers[1] = {0x1}; /* word 0 (name) is a pointer */
static const cgosan_type kRowType = {"struct row", sizeof(struct row), 8, kRowPointers, 0};
static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

struct store_frame {
  const struct row *row;
  size_t index;
};

static void call_foo_store(void *arg) { /* foreign side of the call */
  struct store_frame *f = arg;
  f->index = foo_store(f->row, sizeof *f->row);
}

/* What a binding generator emits for foo_store: check, then cgocall. */
static size_t store_row(const struct row *row) {
  struct store_frame f = {row, 0};
  cgosan_check_arg(row, &kRowType, "foo_store", 0); /* parameters count from 0 */
  cgosan_cgocall(call_foo_store, &f);
  return f.index;
}

static void managed_main(void *arg) {
  int fixed = *(int *)arg;
  struct row *row = cgosan_new(&kRowType);
  row->name = cgosan_new(&kNameType);
  strcpy(row->name, "alice");
  row->id = 7;
  cgosan_pinner *pinner = cgosan_pinner_new();
  if (fixed)
    cgosan_pin(pinner, row->name); /* libfoo keeps it: keep it pinned */
  size_t index = store_row(row);
  printf("stored row %ld (%s) as record %zu\n", row->id, row->name, index);
  if (fixed)
    printf("the name stays pinned while libfoo's journal holds it\n");
  /* A real program unpins when libfoo lets go of the record; this one exits. */
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(int argc, char **argv) {
  int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
  return cgosan_run(managed_main, &fixed);
}
