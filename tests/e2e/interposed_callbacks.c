// interposed_callbacks.c — interposers made by cgosan-gen from our own
// headers (examples/libfoo/foo.h, interposed/cbreg.h), both preloaded with
// `cgosan-run --interpose`. The program calls the libraries directly:
//   - foo_async calls back from a thread libfoo creates: the closure attaches
//     it as an extra M, the callback runs as managed code and its own call
//     (foo_parse) is a checked cgocall;
//   - foo_each calls back on the caller's thread, inside the cgocall;
//   - cbreg keeps callbacks and unregisters them by comparing pointers: the
//     same function passed twice gives the same closure, so removal works;
//   - a function of the other interposer is passed to cbreg unwrapped.
// No rule is broken: no report.
//
// SHARED-LIB: ../../examples/libfoo/foo.c
// SHARED-LIB: interposed/cbreg.c
// PREP: cgosan-gen %S/../../examples/libfoo/foo.h --lib %w/libfoo.so -o %w/foo-interposer.so
// PREP: cgosan-gen %S/interposed/cbreg.h --lib %w/libcbreg.so -o %w/cbreg-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/foo-interposer.so --interpose %w/cbreg-interposer.so --
#include <cgosan/cgosan.h>
#include <foo.h>
#include <cbreg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct tally {
  int64_t sum;
  int64_t managed_calls;
  int64_t other_thread;
};
static const cgosan_type kTallyType = {"struct tally", sizeof(struct tally), 0, NULL, 0};
static pthread_t main_thread;

static void on_async(void *ud) {
  struct tally *t = ud;
  t->managed_calls += cgosan_in_managed();
  t->other_thread += !pthread_equal(pthread_self(), main_thread);
  t->sum += foo_parse("40");
}

static void on_item(int item, void *ud) {
  struct tally *t = ud;
  t->managed_calls += cgosan_in_managed();
  t->sum += item;
}

static void on_event(void *ud) {
  struct tally *t = ud;
  t->managed_calls += cgosan_in_managed();
  t->sum += 100;
}

static void managed_main(void *arg) {
  (void)arg;
  main_thread = pthread_self();
  struct tally *t = cgosan_new(&kTallyType);  // pointer-free: may be passed as is
  int64_t calls_before = cgosan_num_cgocall();
  foo_async(on_async, t);
  printf("foo_async: sum %lld, managed callbacks %lld, from another thread %lld\n",
         (long long)t->sum, (long long)t->managed_calls, (long long)t->other_thread);
  static const int items[] = {1, 2};
  foo_each(items, 2, on_item, t);
  printf("foo_each: sum %lld, managed callbacks %lld\n", (long long)t->sum,
         (long long)t->managed_calls);

  cbreg_add(on_event, t);
  cbreg_add(on_event, t);
  int fired = cbreg_fire();
  int removed = cbreg_remove(on_event) + cbreg_remove(on_event);
  printf("cbreg: fired %d, removed %d, left %d, sum %lld, managed callbacks %lld\n", fired,
         removed, cbreg_fire(), (long long)t->sum, (long long)t->managed_calls);
  printf("checked calls: %lld\n", (long long)(cgosan_num_cgocall() - calls_before));

  // A function of another interposer (foo_registry_free is the foo
  // interposer's wrapper) is not managed code: cbreg gets it as it is, and
  // calls it as foreign code, so firing it makes no checked call.
  cbreg_add((void (*)(void *))foo_registry_free, NULL);
  calls_before = cgosan_num_cgocall();
  cbreg_fire();
  printf("firing another interposer's function: checked calls: %lld\n",
         (long long)(cgosan_num_cgocall() - calls_before));
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:foo_async: sum 40, managed callbacks 1, from another thread 1
// STDOUT-NEXT:foo_each: sum 43, managed callbacks 3
// STDOUT-NEXT:cbreg: fired 2, removed 2, left 0, sum 243, managed callbacks 5
// STDOUT-NEXT:checked calls: 9
// STDOUT-NEXT:firing another interposer's function: checked calls: 1
// CHECK-NOT:{{.}}
