// interposed_result_unpinned.c — rule 3 through an interposer's callback
// closure: cbreg_produce hands back whatever its callback returns, and the
// managed callback returns a fresh managed object that nothing pins. The
// closure checks the result (cgosan_check_result) as the callback returns to
// foreign code and reports it. The stack starts in libffi (the closure's
// entry, which has no symbols), then the foreign caller, then the managed
// code that called it. Returning a pinned object is silent.
//
// SHARED-LIB: interposed/cbreg.c
// PREP: cgosan-gen %S/interposed/cbreg.h --lib %w/libcbreg.so -o %w/cbreg-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/cbreg-interposer.so --
// EXIT: 66
#include <cgosan/cgosan.h>
#include <cbreg.h>
#include <stdio.h>

static const cgosan_type kRecordType = {"struct record", 64, 0, NULL, 0};

static void *make_pinned(void *pinner) {
  void *record = cgosan_new(&kRecordType);
  cgosan_pin(pinner, record);
  return record;
}

static void *make_unpinned(void *ud) {
  (void)ud;
  return cgosan_new(&kRecordType);  // BUG: foreign code gets an unpinned object
}

static void managed_main(void *arg) {
  (void)arg;
  cgosan_pinner *pinner = cgosan_pinner_new();
  void *pinned = cbreg_produce(make_pinned, pinner);
  fprintf(stderr, "pinned result: %s\n", cgosan_is_managed(pinned) ? "managed" : "?");
  // CHECK:pinned result: managed
  cbreg_produce(make_unpinned, NULL);
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-result
  // CHECK-NEXT:result of callback make of cbreg_produce is unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in cbreg_produce {{.*}}/cbreg.c:[[#PRODUCE:]]:10
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_result_unpinned.c:[[#@LINE-5]]:3
  // CHECK:  0x[[OBJ:[0-9a-f]+]] is object of type 'struct record' (64 bytes), not pinned
  // CHECK-NEXT:  0x[[OBJ]] was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in make_unpinned {{.*}}/interposed_result_unpinned.c:[[#@LINE-17]]:10
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unpinned-pointer-in-result {{.*}}/cbreg.c:[[#PRODUCE]]:10 in cbreg_produce
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
