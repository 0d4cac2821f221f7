// ir_foreign_call.c — what the pass makes of calls to foreign functions:
// pointer arguments checked untyped (NULL type, 0-based C argument numbers),
// arguments through a frame to cgosan_cgocall and an internal trampoline, the
// result loaded back, all at the call's debug location. Not rewritten: the
// cgosan_* API, C library basics a glob matched (strlen), variadic callees
// (with a remark), and the body of a function annotated cgosan_foreign.
//
// FLAGS: -I%S/../../include -mllvm -cgosan-foreign-list=%S/ir_foreign.list
#include <cgosan/cgosan.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct pair { long a, b; };
struct triple { long a, b, c; };  // returned through sret, passed byval
long lib_sum(const struct pair *p, int scale);
struct triple lib_big(struct pair *p, struct triple by_value);
int lib_printf(const char *fmt, ...);

__attribute__((annotate("cgosan_foreign"))) long raw_sum(const struct pair *p) {
  return lib_sum(p, 1);
}
// CHECK-LABEL: define {{.*}} @raw_sum(
// CHECK-NOT: cgosan
// CHECK: call i64 @lib_sum(
// CHECK-NOT: cgosan
// CHECK: ret i64

long managed(struct pair *p, struct triple *t, const char *s) {
  long sum = lib_sum(p, 3);
  struct triple copy = lib_big(p, *t);
  void *block = malloc(16);
  lib_printf("%ld", sum);
  cgosan_check_arg(p, NULL, "by hand", 0);
  return sum + copy.a + (long)strlen(s) + (block != NULL);
}
// CHECK-LABEL: define {{.*}} @managed(
// CHECK: %[[FRAME:.+]] = alloca { ptr, i32, i64 }
// CHECK: call void @cgosan_check_arg(ptr %[[P:.+]], ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_sum, i32 0){{( #[0-9]+)?}}, !dbg ![[SUM_LOC:[0-9]+]]
// O0: store ptr %[[P]], ptr %{{.+}}, align 8, !dbg ![[SUM_LOC]]
// O2: store ptr %[[P]], ptr %[[FRAME]], align 8, !dbg ![[SUM_LOC]]
// CHECK: store i32 3, ptr %{{.+}}, !dbg ![[SUM_LOC]]
// CHECK: call i32 @cgosan_cgocall(ptr {{.*}}@__cgosan_tramp.lib_sum, ptr {{.*}}%[[FRAME]]){{.*}}, !dbg ![[SUM_LOC]]
// CHECK: load i64, ptr %{{.+}}, !dbg ![[SUM_LOC]]
// An sret slot is not a C argument: p is argument 0; the byval copy is not checked.
// CHECK: call void @cgosan_check_arg(ptr %{{.+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_big, i32 0)
// CHECK-NOT: @__cgosan_callee.lib_big
// CHECK: call i32 @cgosan_cgocall(ptr {{.*}}@__cgosan_tramp.lib_big,
// CHECK: call i32 @cgosan_cgocall(ptr {{.*}}@__cgosan_tramp.malloc,
// CHECK: call {{.*}}i32 (ptr, ...) @lib_printf(
// The call the program makes by hand stays as written.
// CHECK: call void @cgosan_check_arg(ptr noundef %{{.+}}, ptr noundef null, ptr noundef {{(nonnull )?}}@.str{{.*}}, i32 noundef 0)
// CHECK: call i64 @strlen(
// CHECK: ret i64

// CHECK-LABEL: define internal void @__cgosan_tramp.lib_sum(ptr
// CHECK: %[[A0:.+]] = load ptr, ptr %{{.+}}
// CHECK: %[[A1:.+]] = load i32, ptr %{{.+}}
// CHECK: %[[R:.+]] = {{(tail )?}}call i64 @lib_sum(ptr noundef %[[A0]], i32 noundef %[[A1]])
// CHECK: store i64 %[[R]], ptr
// CHECK-NEXT: ret void
// CHECK-LABEL: define internal void @__cgosan_tramp.lib_big(ptr
// CHECK: call void @lib_big(ptr {{.*}}sret(%struct.triple) {{.*}}, ptr {{.*}}, ptr noundef byval(%struct.triple) {{.*}})

// CHECK: ![[SUM_LOC]] = !DILocation(line: 30, column: 14,

// REMARK: ir_foreign_call.c:30:14: remark: call to lib_sum goes through cgosan_cgocall [-Rpass=cgosan]
// REMARK: ir_foreign_call.c:31:24: remark: call to lib_big goes through cgosan_cgocall [-Rpass=cgosan]
// REMARK: ir_foreign_call.c:32:17: remark: call to malloc goes through cgosan_cgocall [-Rpass=cgosan]
// REMARK: ir_foreign_call.c:33:3: remark: call to lib_printf is not routed through cgosan_cgocall: it is variadic [-Rpass-missed=cgosan]
// REMARK-NOT: remark
