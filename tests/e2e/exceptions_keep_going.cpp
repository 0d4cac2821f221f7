// exceptions_keep_going.cpp — a C++ exception is stopped at each of the three
// crossings, and with CGOSAN_OPTIONS=halt_on_error=0 the program goes on from
// the crossing as if the function had returned:
//   1. escaping the function run by cgosan_run      -> cgosan_run returns
//   2. thrown by the foreign function of a cgocall  -> the managed caller resumes
//   3. escaping a managed callback                  -> the foreign caller resumes
// An exception thrown and caught on one side is not reported. The process
// ends with exitcode 66 at exit, after all of its output.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=halt_on_error=0
#include <cgosan/cgosan.h>

#include <cstdio>
#include <stdexcept>

struct Oops {};

static void run_fn(void *) { throw 42; }

extern "C" void foreign_throws(void *) { throw std::logic_error("foreign"); }

static void callback_throws(void *) { throw Oops(); }

static void callback_catches(void *arg) {
  try {
    throw std::runtime_error("caught on the managed side");
  } catch (const std::exception &) {
    ++*static_cast<int *>(arg);
  }
}

extern "C" void foreign_calls_back(void *arg) {
  cgosan_cgocallback(callback_catches, arg);
  std::printf("3: foreign code after a callback that caught its own exception, count=%d\n",
              *static_cast<int *>(arg));
  cgosan_cgocallback(callback_throws, arg);
  std::printf("3: foreign code resumed after the callback\n");
}

static void managed(void *arg) {
  cgosan_cgocall(foreign_throws, arg);
  std::printf("2: managed code resumed after the cgocall\n");
  cgosan_cgocall(foreign_calls_back, arg);
}

int main() {
  int err = cgosan_run(run_fn, nullptr);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unwind-across-boundary
  // CHECK-NEXT:C++ exception of type 'int' escaped the function run by cgosan_run and would unwind through the frames that called cgosan_run
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/exceptions_keep_going.cpp:[[#RUN:@LINE-3]]:13
  // CHECK:  the function was run_fn(void*) (0x{{[0-9a-f]+}}); the exception was stopped at the boundary
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unwind-across-boundary {{.*}}/exceptions_keep_going.cpp:[[#RUN]]:13 in main
  std::printf("1: cgosan_run returned %d\n", err);

  int count = 0;
  cgosan_run(managed, &count);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unwind-across-boundary
  // CHECK-NEXT:C++ exception of type 'std::logic_error' thrown by the foreign function of cgosan_cgocall and would unwind through the managed frames that made the call
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed(void*) {{.*}}/exceptions_keep_going.cpp:[[#CALL:@LINE-18]]:3
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/exceptions_keep_going.cpp:[[#MAIN:@LINE-5]]:3
  // CHECK:  the function was foreign_throws (0x{{[0-9a-f]+}}); the exception was stopped at the boundary
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unwind-across-boundary {{.*}}/exceptions_keep_going.cpp:[[#CALL]]:3 in managed(void*)
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unwind-across-boundary
  // CHECK-NEXT:C++ exception of type 'Oops' escaped the managed callback of cgosan_cgocallback and would unwind through the foreign frames that called back
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in foreign_calls_back {{.*}}/exceptions_keep_going.cpp:[[#CALL-5]]:3
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed(void*) {{.*}}/exceptions_keep_going.cpp:[[#CALL+2]]:3
  // CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #4 0x{{[0-9a-f]+}} in main {{.*}}/exceptions_keep_going.cpp:[[#MAIN]]:3
  // CHECK:  the function was callback_throws(void*) (0x{{[0-9a-f]+}}); the exception was stopped at the boundary
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unwind-across-boundary {{.*}}/exceptions_keep_going.cpp:[[#CALL-5]]:3 in foreign_calls_back
  // CHECK-NOT:{{.}}
  std::printf("main: done\n");
  return 0;
}
// STDOUT:1: cgosan_run returned 0
// STDOUT-NEXT:2: managed code resumed after the cgocall
// STDOUT-NEXT:3: foreign code after a callback that caught its own exception, count=1
// STDOUT-NEXT:3: foreign code resumed after the callback
// STDOUT-NEXT:main: done
// STDOUT-NOT:{{.}}
