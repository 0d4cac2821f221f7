// interposed_ffi.c — libffi itself interposed (`cgosan-run --lib ffi`),
// beside another interposer that makes its callback closures with libffi
// (interposed/cbreg.h). Each interposer's runtime calls libffi itself, not
// the libffi interposer's wrappers: before, those wrappers took the runtime
// for managed code and asked it for a closure of its own closure entry,
// under the lock it held, and the program hung. The program's own libffi
// calls are checked calls: ffi_call runs `add` as foreign code (its `fn` is
// a generic `void (*)(void)`), a closure the program prepares runs its
// handler as managed code, and cbreg's callback still runs as managed code.
//
// SHARED-LIB: interposed/cbreg.c
// LIBS: -lffi
// PREP: cgosan-gen %S/interposed/cbreg.h --lib %w/libcbreg.so -o %w/cbreg-interposer.so
// RUN-UNDER: cgosan-run --lib ffi --interpose %w/cbreg-interposer.so --
#include <cgosan/cgosan.h>
#include <cbreg.h>
#include <ffi.h>
#include <stdio.h>

static int handler_managed = -1, event_managed = -1;

static void handler(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif, (void)ud;
  handler_managed = cgosan_in_managed();
  *(ffi_arg *)ret = *(int *)args[0] * 2;
}

static int add(int a, int b) {
  return a + b;
}

static void on_event(void *ud) {
  (void)ud;
  event_managed = cgosan_in_managed();
}

static void managed_main(void *arg) {
  (void)arg;
  int64_t calls_before = cgosan_num_cgocall();
  ffi_type *arg_types[2] = {&ffi_type_sint, &ffi_type_sint};
  ffi_cif cif;
  ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_sint, arg_types);
  int x = 2, y = 40;
  void *values[2] = {&x, &y};
  ffi_arg sum;
  ffi_call(&cif, FFI_FN(add), &sum, values);

  void *code;
  ffi_closure *closure = ffi_closure_alloc(sizeof(ffi_closure), &code);
  ffi_cif cif1;
  ffi_prep_cif(&cif1, FFI_DEFAULT_ABI, 1, &ffi_type_sint, arg_types);
  ffi_prep_closure_loc(closure, &cif1, handler, NULL, code);
  int doubled = ((int (*)(int))code)(21);

  cbreg_add(on_event, NULL);
  cbreg_fire();
  printf("ffi_call %d, closure %d (handler in managed code: %d), cbreg event in managed code: %d\n",
         (int)sum, doubled, handler_managed, event_managed);
  printf("checked calls: %lld\n", (long long)(cgosan_num_cgocall() - calls_before));
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:ffi_call 42, closure 42 (handler in managed code: 1), cbreg event in managed code: 1
// STDOUT-NEXT:checked calls: 7
// CHECK-NOT:{{.}}
