// ir_race_functions.cpp — which code -cgosan-race instruments: managed
// functions and functions annotated cgosan_foreign alike (the runtime tells
// the sides apart), but not the pass's own code (the cgocall frame the
// foreign-call rewrite fills, the trampoline that unpacks it), functions
// marked disable_sanitizer_instrumentation, or, where clang tags them (-O1
// and above), loads of a vtable pointer and of a vtable's entries.
//
// FLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=lib_*
extern "C" long lib_sum(const long *values, int n);

extern "C" long managed_sum(long *values) {
  values[0] = 1;
  return lib_sum(values, 2);
}
// CHECK-LABEL: define {{.*}} @managed_sum(
// CHECK:      call void @__cgosan_race_write8(ptr %[[VALUES:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i64 1, ptr %[[VALUES]]
// The frame's stores and the result's load are the pass's own.
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      {{call|invoke}} i32 @cgosan_cgocall(ptr {{.*}}@__cgosan_tramp.lib_sum,
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret i64

extern "C" __attribute__((annotate("cgosan_foreign"))) void foreign_fill(long *values) {
  values[1] = 2;
}
// CHECK-LABEL: define {{.*}} @foreign_fill(
// CHECK:      call void @__cgosan_race_write8(ptr %[[SLOT:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i64 2, ptr %[[SLOT]]

extern "C" __attribute__((disable_sanitizer_instrumentation)) void unchecked_fill(long *values) {
  values[2] = 3;
}
// CHECK-LABEL: define {{.*}} @unchecked_fill(
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret void

struct Shape {
  virtual long area() const;
  long id;
};
long shape_area(const Shape *shape) { return shape->area() + shape->id; }
// CHECK-LABEL: define {{.*}} @_Z10shape_areaPK5Shape(
// At -O0 clang does not tag the vtable loads: they are reads like any other.
// O0:         call void @__cgosan_race_read8(
// O0:         %[[VTABLE:.+]] = load ptr, ptr %{{.+}}
// O0:         call void @__cgosan_race_read8(
// O0-NEXT:    br label %[[JOIN:[0-9]+]]
// O0:         {{^}}[[JOIN]]:
// O0-NEXT:    load ptr, ptr %{{.+}}
// O2-NOT:     call void @__cgosan_race
// CHECK:      {{call|invoke}} {{.*}}i64 %{{.+}}(
// CHECK:      call void @__cgosan_race_read8(ptr %[[ID:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i64, ptr %[[ID]]
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret i64

// CHECK-LABEL: define internal void @__cgosan_tramp.lib_sum(
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret void
