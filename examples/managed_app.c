/* managed_app.c — a managed program that calls a C library by the rules.
 *
 * The program's logic runs as a G (goroutine) started with cgosan_run, on a
 * stack the runtime owns. Every call into libfoo goes through cgosan_cgocall,
 * which parks the G and runs the C code on the thread's system stack; every
 * callback libfoo makes comes back through cgosan_cgocallback, which returns
 * to managed code: onto the parked G when libfoo calls back on the same thread
 * (foo_each), or onto a fresh G of an "extra M" when libfoo calls back from a
 * thread it created itself (foo_async). This is what cgo generates for Go.
 *
 * The pattern, for each C function:  a small frame struct holding arguments
 * and results, and a foreign wrapper `call_foo_x(void *frame)` that unpacks it;
 * for each C callback: a trampoline with the signature libfoo expects, whose
 * only job is to call cgosan_cgocallback with the managed function.
 * Exits 0, and the runtime reports nothing. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cgosan/cgosan.h>

#include "libfoo/foo.h"

/* ---- Foreign side: run on the system stack by cgosan_cgocall --------------- */

struct each_frame {
  const int *items;
  size_t n;
  void (*cb)(int item, void *ud);
  void *ud;
};
static void call_foo_each(void *frame) {
  struct each_frame *f = frame;
  foo_each(f->items, f->n, f->cb, f->ud);
}

struct async_frame {
  void (*cb)(void *ud);
  void *ud;
  int result;
};
static void call_foo_async(void *frame) {
  struct async_frame *f = frame;
  f->result = foo_async(f->cb, f->ud);
}

struct parse_frame {
  const char *text;
  long result;
};
static void call_foo_parse(void *frame) {
  struct parse_frame *f = frame;
  f->result = foo_parse(f->text);
}

/* ---- Callbacks: libfoo calls the trampolines, they re-enter managed code -- */

struct totals {
  long sum;
  int count;
  int all_managed;          /* every callback ran as managed code */
  pthread_t main_thread;
  int async_other_thread;   /* foo_async called back from another thread */
  int async_managed;
};

struct item_frame {
  int item;
  struct totals *totals;
};

static void on_item_managed(void *frame) {  /* managed: on the parked G */
  struct item_frame *f = frame;
  f->totals->sum += f->item;
  f->totals->count++;
  f->totals->all_managed &= cgosan_in_managed();
  printf("  managed callback: item %d (in managed code: %d)\n", f->item,
         cgosan_in_managed());
}

static void on_item(int item, void *ud) {  /* foreign: called by foo_each */
  struct item_frame frame = {item, ud};
  cgosan_cgocallback(on_item_managed, &frame);
}

static void on_async_managed(void *frame) {  /* managed: fresh G, extra M */
  struct totals *t = frame;
  t->async_other_thread = !pthread_equal(pthread_self(), t->main_thread);
  t->async_managed = cgosan_in_managed();
  printf("  managed callback from libfoo's own thread (another thread: %s, "
         "in managed code: %d)\n",
         t->async_other_thread ? "yes" : "no", t->async_managed);
}

static void on_async(void *ud) {  /* foreign: called on libfoo's thread */
  cgosan_cgocallback(on_async_managed, ud);
}

/* ---- The managed program --------------------------------------------------- */

static void managed_main(void *arg) {
  int *exit_status = arg;
  static const int items[] = {3, 1, 4, 1, 5, 9, 2, 6};
  const size_t n = sizeof items / sizeof items[0];
  struct totals totals = {0, 0, 1, pthread_self(), 0, 0};

  printf("managed_main runs as a G (in managed code: %d)\n", cgosan_in_managed());

  printf("1. cgocall foo_each over %zu items; libfoo calls back on this thread:\n", n);
  struct each_frame each = {items, n, on_item, &totals};
  cgosan_cgocall(call_foo_each, &each);
  printf("   sum %ld of %d items\n", totals.sum, totals.count);

  printf("2. cgocall foo_async; libfoo calls back from a thread it creates:\n");
  struct async_frame async = {on_async, &totals, -1};
  cgosan_cgocall(call_foo_async, &async);
  printf("   foo_async returned %d\n", async.result);

  printf("3. cgocall foo_parse; the errno libfoo leaves is the call's result:\n");
  struct parse_frame ok = {"42", 0};
  int err_ok = cgosan_cgocall(call_foo_parse, &ok);
  printf("   foo_parse(\"%s\") = %ld, errno %d\n", ok.text, ok.result, err_ok);
  struct parse_frame big = {"99999999999999999999", 0};
  int err_big = cgosan_cgocall(call_foo_parse, &big);
  printf("   foo_parse(\"%s\") = %ld, errno %d (%s)\n", big.text, big.result,
         err_big, strerror(err_big));

  int64_t calls = cgosan_num_cgocall();
  printf("cgosan_num_cgocall() = %lld\n", (long long)calls);

  int good = totals.sum == 31 && totals.count == (int)n && totals.all_managed &&
             async.result == 0 && totals.async_other_thread &&
             totals.async_managed && ok.result == 42 && err_ok == 0 &&
             err_big == ERANGE && calls == 4;
  printf("%s\n", good ? "all as expected" : "UNEXPECTED RESULT");
  *exit_status = good ? 0 : 1;
}

int main(void) {
  int exit_status = 1;
  if (cgosan_run(managed_main, &exit_status) != 0)
    return 1;
  return exit_status;
}
