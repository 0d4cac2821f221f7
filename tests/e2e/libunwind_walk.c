// libunwind_walk.c — a program's own libunwind walks across the switch.
// Inside a managed callback (called back from a foreign function inside a
// cgocall inside cgosan_run), unw_getcontext/unw_init_local/unw_step walk the
// stack and unw_get_proc_name names each frame. The asm switch's CFI computes
// each switch frame's CFA from %rbp, on the stack the switch came from, so the
// walk goes callback -> foreign function -> managed function -> main, with the
// runtime's entry points (and its internal frames) between them, and ends
// cleanly (unw_step returns 0) past main.
//
// LIBS: -lunwind
#define UNW_LOCAL_ONLY
#include <cgosan/cgosan.h>
#include <libunwind.h>
#include <stdio.h>

static void walk(void) {
  unw_context_t context;
  unw_cursor_t cursor;
  if (unw_getcontext(&context) || unw_init_local(&cursor, &context)) {
    printf("unw_init_local failed\n");
    return;
  }
  int frames = 0, step;
  do {
    char name[256];
    unw_word_t offset;
    if (unw_get_proc_name(&cursor, name, sizeof name, &offset) != 0)
      snprintf(name, sizeof name, "?");
    printf("frame: %s\n", name);
    frames++;
  } while ((step = unw_step(&cursor)) > 0 && frames < 100);
  printf("walk: %s\n", step == 0 ? "reached the outermost frame" : "stopped");
}

static void managed_callback(void *arg) {
  (void)arg;
  walk();
}

static void foreign_fn(void *arg) { cgosan_cgocallback(managed_callback, arg); }

static void managed_fn(void *arg) { cgosan_cgocall(foreign_fn, arg); }

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  return cgosan_run(managed_fn, NULL);
}
// Between the user's frames only runtime frames (cgosan_* and the runtime's
// internal C++ functions, mangled _ZN8__cgosan...) may appear.
// STDOUT:frame: walk
// STDOUT-NEXT:frame: managed_callback
// STDOUT-NOT:frame: {{[^c_].*}}
// STDOUT:frame: cgosan_cgocallback
// STDOUT-NEXT:frame: foreign_fn
// STDOUT-NOT:frame: {{[^c_].*}}
// STDOUT:frame: cgosan_cgocall
// STDOUT-NEXT:frame: managed_fn
// STDOUT-NOT:frame: {{[^c_].*}}
// STDOUT:frame: cgosan_run
// STDOUT-NEXT:frame: main
// STDOUT:walk: reached the outermost frame
// CHECK-NOT:{{.}}
