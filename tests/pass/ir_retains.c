// ir_retains.c — `retains` through the pass (-cgosan-annotations=FILE): a
// foreign call to an annotated function also calls
// cgosan_check_retained_by with the kept argument (NULL when the `when`
// condition does not hold: a select, no branch), the owner (the `by`
// argument, parameter 0 by default), the callee, the parameter, the `until`
// calls as reports name them and their NULL-terminated list; every call to
// an `until` function, routed through cgocall or not, first calls
// cgosan_retention_end with its first argument, in managed code and in C
// the pass otherwise leaves alone.
//
// FLAGS: -mllvm -cgosan-foreign=lib_* -mllvm -cgosan-annotations=%S/ir_retains.ini
struct stmt;
int lib_bind(struct stmt *s, int slot, const char *text, void (*how)(void *));
int lib_keep(void *p, long handle);
int lib_reset(struct stmt *s);
int app_finalize(struct stmt *s);  // not foreign: still ends the retention

void binds(struct stmt *s, const char *text, void *p, void (*how)(void *)) {
  lib_bind(s, 1, text, how);
  lib_keep(p, 42);
  lib_reset(s);
  app_finalize(s);
}
// CHECK-DAG: @__cgosan_until{{[.0-9]*}} = private unnamed_addr constant [4 x ptr] [ptr @__cgosan_callee.lib_reset, ptr @__cgosan_callee.app_finalize, ptr @__cgosan_callee.lib_clear, ptr null]
// CHECK-DAG: @"__cgosan_callee.lib_reset/app_finalize/clear" = private unnamed_addr constant
// CHECK-LABEL: define {{.*}}void @binds(
// CHECK: %[[KEPT:[0-9a-z.]+]] = select i1 %{{[0-9a-z.]+}}, ptr %{{[0-9a-z.]+}}, ptr null
// CHECK: call void @cgosan_check_retained_by(ptr %[[KEPT]], ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_bind, i32 2, ptr {{(nonnull )?}}@"__cgosan_callee.lib_reset/app_finalize/clear", ptr {{(nonnull )?}}@__cgosan_until{{[.0-9]*}})
// CHECK: call i32 @cgosan_cgocall(
// CHECK: call void @cgosan_check_retained_by(ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}inttoptr (i64 42 to ptr), ptr {{(nonnull )?}}@__cgosan_callee.lib_keep, i32 0, ptr {{(nonnull )?}}@__cgosan_callee.lib_drop, ptr {{(nonnull )?}}@__cgosan_until{{[.0-9]*}})
// CHECK: call i32 @cgosan_cgocall(
// CHECK: call void @cgosan_retention_end(ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_reset)
// CHECK: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_reset
// CHECK: call void @cgosan_retention_end(ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.app_finalize)
// CHECK-NEXT: call i32 @app_finalize(

// C the pass leaves as written (annotate("cgosan_foreign")) still ends
// the retention.
__attribute__((annotate("cgosan_foreign"))) void c_helper(struct stmt *s) {
  lib_reset(s);
}
// CHECK-LABEL: define {{.*}}void @c_helper(
// CHECK: call void @cgosan_retention_end(ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_reset)
// CHECK-NEXT: call i32 @lib_reset(

int lib_flagged(void *p, unsigned flags);
void flagged(void *p, unsigned flags) { lib_flagged(p, flags); }
// CHECK-LABEL: define {{.*}}void @flagged(
// CHECK: %[[ALL:[0-9a-z.]+]] = icmp eq i32 %{{[0-9a-z.]+}}, -1
// CHECK: %[[KEPT:[0-9a-z.]+]] = select i1 %[[ALL]], ptr %{{[0-9a-z.]+}}, ptr null
// CHECK: call void @cgosan_check_retained_by(ptr %[[KEPT]], ptr %{{[0-9a-z.]+}}, ptr {{(nonnull )?}}@__cgosan_callee.lib_flagged, i32 0,
// CHECK-NOT: @cgosan_check_retained_by(
// CHECK: call i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_flagged
