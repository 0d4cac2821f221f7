// ir_invoke.cpp — in C++, a foreign call inside a scope with a destructor is
// an invoke: it becomes an invoke of cgosan_cgocall that keeps the landing
// pad (forced unwinds still run the destructors), and the result is loaded
// on the normal edge.
//
// FLAGS: -mllvm -cgosan-foreign=lib_*
extern "C" int lib_count(const char *text);

struct Guard {
  ~Guard();
};

int count_guarded(const char *text) {
  Guard guard;
  return lib_count(text) + 1;
}
// CHECK-LABEL: define {{.*}} @_Z13count_guardedPKc(
// CHECK: call void @cgosan_check_arg(ptr {{.*}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_count, i32 0)
// CHECK: invoke i32 @cgosan_cgocall(ptr {{(nonnull )?}}@__cgosan_tramp.lib_count, ptr {{.*}})
// CHECK-NEXT: to label %[[RETURNED:.+]] unwind label %[[PAD:[^ ,]+]]
// CHECK: [[RETURNED]]:
// CHECK: load i32, ptr
// CHECK: [[PAD]]:
// CHECK-NEXT: landingpad
// CHECK-LABEL: define internal void @__cgosan_tramp.lib_count(
// CHECK: call i32 @lib_count(
// REMARK: ir_invoke.cpp:15:10: remark: call to lib_count goes through cgosan_cgocall [-Rpass=cgosan]
