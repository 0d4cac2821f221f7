// ir_noescape.c — -cgosan-noescape and the annotation file's `noescape =
// yes`: every pointer argument of a call to a function that promised
// noescape is lent with cgosan_lend_noescape(p, "name", argno), after its
// cgosan_check_arg; the flag alone makes the function foreign (lib_sum is
// not in -cgosan-foreign), the annotation marks a function the other flags
// route (lib_peek_all), and a constant argument is lent to nobody. A
// function without the promise gets no such call.
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
// CHECK-NEXT: call void @cgosan_lend_noescape(ptr %{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_sum, i32 0)
// CHECK: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_sum,
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_peek_all, i32 0)
// CHECK-NEXT: call void @cgosan_lend_noescape(ptr %{{.+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_peek_all, i32 0)
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
