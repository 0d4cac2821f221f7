// exception_in_callback.cpp — a managed C++ callback throws std::runtime_error
// while a C-style foreign function (extern "C", no handler of its own) is on
// the stack between it and the managed code that made the cgocall. The
// exception must not unwind through the foreign frames: cgosan_cgocallback
// stops it at the boundary and reports unwind-across-boundary.
//
// The report's stack is captured on the G's stack where the exception was
// stopped (the callback's frame is gone by then, so the note names it) and
// walks out across both switches: the foreign function on the system stack,
// cgosan_cgocall, the managed function on the G stack, cgosan_run, main.
// The runtime's own frames at the top, cgosan_cgocallback included, are
// trimmed so that #0 is the user's code: the foreign call that called back.
//
// EXIT: 66
#include <cgosan/cgosan.h>

#include <cstdio>
#include <stdexcept>

extern "C" void managed_callback(void *arg) {
  (void)arg;
  throw std::runtime_error("thrown by a managed callback");
}

extern "C" void foreign_fn(void *arg) {
  cgosan_cgocallback(managed_callback, arg);
  std::printf("not reached: foreign_fn resumed\n");
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unwind-across-boundary
// CHECK-NEXT:C++ exception of type 'std::runtime_error' escaped the managed callback of cgosan_cgocallback and would unwind through the foreign frames that called back
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in foreign_fn {{.*}}/exception_in_callback.cpp:[[#CALLBACK:@LINE-5]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}

static void managed_fn(void *arg) {
  cgosan_cgocall(foreign_fn, arg);
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed_fn(void*) {{.*}}/exception_in_callback.cpp:[[@LINE-1]]:3
  // CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
}

int main() {
  int err = cgosan_run(managed_fn, nullptr);
  // CHECK-NEXT:    #4 0x{{[0-9a-f]+}} in main {{.*}}/exception_in_callback.cpp:[[@LINE-1]]:13
  // CHECK:  the function was managed_callback (0x{{[0-9a-f]+}}); the exception was stopped at the boundary
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unwind-across-boundary {{.*}}/exception_in_callback.cpp:[[#CALLBACK]]:3 in foreign_fn
  // CHECK-NOT:{{.}}
  std::printf("not reached: cgosan_run returned %d\n", err);
  return 0;
}
// STDOUT-NOT:not reached
