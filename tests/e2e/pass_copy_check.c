// pass_copy_check.c — built with the clang pass plugin and
// -cgosan-check-stores, and run with CGOSAN_OPTIONS=cgocheck=2: copies are
// checked with the copied type's pointer map, as Go's typed copies are. A
// struct holding an unpinned managed pointer assigned or memcpy'd from a
// local into malloc'd memory, and a pointer memcpy'd there from a local, are
// each reported as unpinned-pointer-store at the line of the copy (the
// runtime has no map of a G stack: only the type says where the pointer
// is). The same copies into managed memory, or with the pointer pinned, are
// silent. halt_on_error=0 shows every report; the exit status is still 66.
// Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=cgocheck=2:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row { long id; char *data; };
static const uint8_t kWord1[] = {0x02}, kWord0[] = {0x01};
static const cgosan_type kRow = {"struct row", sizeof(struct row), 16, kWord1, 0};
static const cgosan_type kPointer = {"char *", sizeof(char *), 8, kWord0, 0};
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

// Foreign memory the program keeps: the collector does not scan it.
struct row *volatile foreign_row;
char **volatile foreign_slot;

static void managed_main(void *arg) {
  (void)arg;
  char *bytes = cgosan_new(&kBytes);
  struct row local = {1, bytes};
  foreign_row = malloc(sizeof *foreign_row);
  foreign_slot = malloc(sizeof *foreign_slot);

  struct row *managed_row = cgosan_new(&kRow);
  *managed_row = local;  // into managed memory: fine
  char **managed_slot = cgosan_new(&kPointer);
  memcpy(managed_slot, &bytes, sizeof bytes);  // into managed memory: fine
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, bytes);
  *foreign_row = local;  // pinned: fine
  memcpy(foreign_slot, &bytes, sizeof bytes);  // pinned: fine
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "copies into managed memory and of a pinned pointer: silent\n");

  *foreign_row = local;  // BUG: assigned from a local
  // CHECK:copies into managed memory and of a pinned pointer: silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code copied unpinned managed pointer 0x[[BYTES:[0-9a-f]+]] into non-managed memory at 0x{{[0-9a-f]+}} (a 16-byte copy from 0x{{[0-9a-f]+}})
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_copy_check.c:[[#ASSIGN:@LINE-4]]:18
  // CHECK:  the copied type 'struct row' has a pointer at offset 8
  // CHECK-NEXT:  holds 0x[[BYTES]], object of type 'char[32]' (32 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_copy_check.c:[[#ASSIGN]]:18 in managed_main

  memcpy(foreign_row, &local, sizeof local);  // BUG: memcpy'd from a local
  // CHECK:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code copied unpinned managed pointer 0x[[BYTES]] into non-managed memory at 0x{{[0-9a-f]+}} (a 16-byte copy from 0x{{[0-9a-f]+}})
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_copy_check.c:[[#MEMCPY:@LINE-3]]:3
  // CHECK:  the copied type 'struct row' has a pointer at offset 8
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_copy_check.c:[[#MEMCPY]]:3 in managed_main

  memcpy(foreign_slot, &bytes, sizeof bytes);  // BUG: 8 bytes, a pointer
  // CHECK:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code copied unpinned managed pointer 0x[[BYTES]] into non-managed memory at 0x{{[0-9a-f]+}} (a 8-byte copy from 0x{{[0-9a-f]+}})
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_copy_check.c:[[#POINTER:@LINE-3]]:3
  // CHECK:  the copied type 'void *' has a pointer at offset 0
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_copy_check.c:[[#POINTER]]:3 in managed_main
  // CHECK-NOT:{{.}}
  free(foreign_slot);
  free(foreign_row);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
