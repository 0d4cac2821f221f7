// gdb_backtrace.c — gdb walks a stack that crosses the stack switch three
// times. A managed callback, called back from a foreign function inside a
// cgocall inside cgosan_run, traps (SIGILL from __builtin_trap). `bt` must
// show, in order: the callback, the foreign function, the managed function
// that made the cgocall, and main, with the runtime's entry points between
// them. Each asm switch frame (cgosan_asm_call_on_stack) is marked as a signal
// frame in its CFI so that gdb accepts a caller frame on another stack; gdb
// prints it as "<signal handler called>", and treats the PC of the frame
// above it as exact (no address, maybe an inlined callee shown): accepted.
// Between two of the user's frames only runtime frames may appear (CHECK-NOT
// of any frame in this file).
// The driver skips (exit 77) when gdb is missing or may not ptrace.
//
// MODE: gdb
#include <cgosan/cgosan.h>

static void managed_callback(void *arg) {
  (void)arg;
  __builtin_trap();
  // CHECK:Program received signal SIGILL, Illegal instruction.
  // CHECK:#0  managed_callback (arg=0x0) at {{.*}}/gdb_backtrace.c:[[@LINE-2]]
}

static void foreign_fn(void *arg) {
  cgosan_cgocallback(managed_callback, arg);
  // CHECK-NOT:{{^#.*/gdb_backtrace.c:}}
  // CHECK:#{{[0-9]+ +}}<signal handler called>
  // CHECK-NEXT:#{{[0-9]+ +}}{{(0x[0-9a-f]+ in )?}}cgosan_cgocallback ({{.*}}
  // CHECK-NEXT:#{{[0-9]+ +}}0x{{[0-9a-f]+}} in foreign_fn (arg=0x0) at {{.*}}/gdb_backtrace.c:[[@LINE-4]]
}

static void managed_fn(void *arg) {
  cgosan_cgocall(foreign_fn, arg);
  // CHECK-NOT:{{^#.*/gdb_backtrace.c:}}
  // CHECK:#{{[0-9]+ +}}<signal handler called>
  // CHECK:#{{[0-9]+ +}}{{(0x[0-9a-f]+ in )?}}cgosan_cgocall ({{.*}}
  // CHECK-NEXT:#{{[0-9]+ +}}0x{{[0-9a-f]+}} in managed_fn (arg=0x0) at {{.*}}/gdb_backtrace.c:[[@LINE-4]]
}

int main(void) {
  return cgosan_run(managed_fn, 0);
  // CHECK-NOT:{{^#.*/gdb_backtrace.c:}}
  // CHECK:#{{[0-9]+ +}}<signal handler called>
  // CHECK:#{{[0-9]+ +}}{{(0x[0-9a-f]+ in )?}}cgosan_run ({{.*}}
  // CHECK-NEXT:#{{[0-9]+ +}}0x{{[0-9a-f]+}} in main () at {{.*}}/gdb_backtrace.c:[[@LINE-4]]
  // CHECK-NOT:{{^#}}
}
