// ir_nocallback.c — -cgosan-nocallback: a call to a function it names goes
// through cgosan_cgocall_nocallback(trampoline, frame, "name") instead of
// cgosan_cgocall, with its pointer arguments checked as any foreign call's;
// the flag alone makes the function foreign (no -cgosan-foreign here), and a
// function it does not name is left alone.
//
// FLAGS: -mllvm -cgosan-nocallback=lib_get*
long lib_get(const long *p);
long lib_other(const long *p);

long managed(long *p) {
  return lib_get(p) + lib_other(p);
}
// CHECK-LABEL: define {{.*}} @managed(
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_get, i32 0)
// CHECK: call i32 @cgosan_cgocall_nocallback(ptr {{(nonnull )?}}@__cgosan_tramp.lib_get, ptr {{(nonnull )?}}%{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_get)
// CHECK-NOT: @cgosan_cgocall(
// CHECK: call i64 @lib_other(
// CHECK-LABEL: define internal void @__cgosan_tramp.lib_get(
// CHECK: call i64 @lib_get(
