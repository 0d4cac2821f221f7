// pass_stack_store.c — built with the clang pass plugin and
// -cgosan-check-stores, run with CGOSAN_OPTIONS=cgocheck=2: G stacks are
// managed memory, so storing the address of a local into malloc'd memory is
// reported as unpinned-pointer-store (stack memory cannot be pinned, and the
// frame ends while C keeps the pointer), naming the frame the local lives
// in. Storing it into managed memory (a heap object, another local) is
// silent, and so is storing a pinned heap copy of it into malloc'd memory.
// Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=cgocheck=2
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>

struct request { long *count; };
static const uint8_t kRequestPtrmask[] = {1};
static const cgosan_type kRequest = {"struct request", sizeof(struct request),
                                     sizeof(long *), kRequestPtrmask, 0};
static const cgosan_type kLong = {"long", sizeof(long), 0, NULL, 0};

// Memory the program and C share: the collector does not scan it.
struct request *volatile foreign_request;
// Managed code's own global: a root, so it may hold managed pointers.
struct request *managed_request;

static void managed_main(void *arg) {
  (void)arg;
  long count = 3;
  foreign_request = malloc(sizeof *foreign_request);
  cgosan_add_root((void **)&managed_request);
  managed_request = cgosan_new(&kRequest);
  struct request on_stack;

  managed_request->count = &count;  // into the heap: fine
  on_stack.count = &count;          // into the stack: fine
  long *copy = cgosan_new(&kLong);
  *copy = count;
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, copy);
  foreign_request->count = copy;  // a pinned heap copy: fine
  fprintf(stderr, "managed stores and the pinned copy: silent\n");

  foreign_request->count = &count;  // BUG: C keeps a pointer into the frame
  // CHECK:managed stores and the pinned copy: silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code stored unpinned managed pointer 0x{{[0-9a-f]+}} into non-managed memory at 0x{{[0-9a-f]+}}
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_stack_store.c:[[#STORE:@LINE-4]]:26
  // CHECK:  0x{{[0-9a-f]+}} is in G {{[0-9]+}}'s stack, frame of managed_main (stack memory cannot be pinned)
  // CHECK-NEXT:  0x{{[0-9a-f]+}} keeps it after its frame returns, when the stack memory is reused
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_stack_store.c:[[#STORE]]:26 in managed_main
  // CHECK-NOT:{{.}}
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  free(foreign_request);
  fprintf(stderr, "%ld\n", on_stack.count == &count ? *copy : 0);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
