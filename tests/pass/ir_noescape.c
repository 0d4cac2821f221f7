// ir_noescape.c — -cgosan-noescape and the annotation file's `noescape =
// yes`: every pointer argument of a call to a function that promised
// noescape is lent with cgosan_lend_noescape(p, "name", argno), after its
// cgosan_check_arg; the flag alone makes the function foreign (lib_sum is
// not in -cgosan-foreign), the annotation marks a function the other flags
// route (lib_peek_all), and a constant argument is lent to nobody. A
// function without the promise gets no such call. The lend runs only when
// the runtime lends (retention=guard or full): it sits behind an inline
// test of __cgosan_lending, so the other modes pay a load, not a call.
//
// FLAGS: -mllvm -cgosan-noescape=lib_sum -mllvm -cgosan-foreign=lib_peek*,lib_bind*
// FLAGS: -mllvm -cgosan-annotations=%S/ir_noescape.ini
long lib_sum(const char *buf, int n);
long lib_peek_all(const char *a, const char *b);
long lib_peek(const char *a);

long managed(const char *buf, const char *other) {
  return lib_sum(buf, 4) + lib_peek_all(buf, "literal") + lib_peek(other);
}
// CHECK-LABEL: define {{.*}} @managed(
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_sum, i32 0)
// CHECK-NOT: @cgosan_lend_noescape(
// CHECK: %[[LENDING:[0-9]+]] = load i8, ptr @__cgosan_lending
// O0-NEXT: %[[ON:[0-9]+]] = icmp ne i8 %[[LENDING]], 0
// O0-NEXT: br i1 %[[ON]], label %[[LEND:[0-9]+]], label %[[CALL:[0-9]+]]{{.*}}, !prof
// O2-NEXT: %[[OFF:[0-9]+]] = icmp eq i8 %[[LENDING]], 0
// O2-NEXT: br i1 %[[OFF]], label %[[CALL:[0-9]+]], label %[[LEND:[0-9]+]]{{.*}}, !prof
// CHECK: {{^}}[[LEND]]:
// CHECK-NEXT: call void @cgosan_lend_noescape(ptr %{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_sum, i32 0)
// CHECK-NEXT: br label %[[CALL]]
// CHECK: {{^}}[[CALL]]:
// CHECK-NEXT: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_sum,
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_peek_all, i32 0)
// CHECK: load i8, ptr @__cgosan_lending
// CHECK: call void @cgosan_lend_noescape(ptr %{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_peek_all, i32 0)
// CHECK-NOT: @cgosan_lend_noescape(
// CHECK: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_peek_all,
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_peek, i32 0)
// CHECK-NOT: @cgosan_lend_noescape(
// CHECK: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_peek,

// `retains ... slot 1 if result == 0`: the check names the slot's value
// (whether `when` holds or not: NULL then), and after the call a result
// that is not 0 takes the record back.
struct stmt;
int lib_bind(struct stmt *s, int slot, const char *text, void (*how)(void *));
int bind(struct stmt *s, const char *text, void (*how)(void *)) {
  return lib_bind(s, 3, text, how);
}
// CHECK-LABEL: define {{.*}} @bind(
// CHECK: %[[KEPT:[0-9a-z.]+]] = select i1 %{{[0-9a-z.]+}}, ptr %{{[0-9a-z.]+}}, ptr null
// CHECK: call void @cgosan_check_retained_in_slot(ptr %[[KEPT]], ptr %{{[0-9a-z.]+}}, i64 3, ptr {{(nonnull )?}}@__cgosan_callee.lib_bind, i32 2, ptr {{(nonnull )?}}@"__cgosan_callee.lib_reset/finalize", ptr {{(nonnull )?}}@__cgosan_until{{[.0-9]*}})
// CHECK: call i32 @cgosan_cgocall(
// CHECK: icmp {{eq|ne}} i32 %{{[0-9a-z.]+}}, 0
// CHECK: %[[UNDO:[0-9a-z.]+]] = select i1 %{{[0-9a-z.]+}}, ptr {{%[0-9a-z.]+|null}}, ptr {{%[0-9a-z.]+|null}}
// CHECK: call void @cgosan_retention_failed(ptr %[[UNDO]], ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_bind)

// `rebinds = 1`: a bind that keeps nothing ends what the slot kept.
int lib_bind_int(struct stmt *s, int slot, int value);
int bind_int(struct stmt *s) { return lib_bind_int(s, 3, 7); }
// CHECK-LABEL: define {{.*}} @bind_int(
// CHECK: call void @cgosan_retention_end_slot(ptr %{{[0-9a-z.]+}}, i64 {{3|%[0-9a-z.]+}})
// CHECK: call i32 @cgosan_cgocall(

// A local written in a block that is not the entry, before a lending call
// and then passed by address: its check stays typed (the lends' blocks are
// split only after every call of the function is rewritten, so the later
// call still finds the store in its own block).
long in_branch(const char *buf, int c) {
  long r = 0;
  if (c) {
    const char *local = buf;
    r = lib_sum(buf, 1) + lib_peek((const char *)&local);
  }
  return r;
}
// CHECK-LABEL: define {{.*}} @in_branch(
// CHECK: call void @cgosan_lend_noescape(ptr %{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_sum, i32 0)
// CHECK: call void @cgosan_check_arg(ptr {{(nonnull )?}}%{{.+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *", ptr {{(nonnull )?}}@__cgosan_callee.lib_peek, i32 0)
