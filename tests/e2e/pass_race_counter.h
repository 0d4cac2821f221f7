// pass_race_counter.h — the state of the pass_race_* tests around one
// managed counter: its object, and a relaxed flag, which orders two threads
// in time but is no edge for a race checker (nor for TSan).
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_COUNTER_H
#define CGOSAN_TESTS_E2E_PASS_RACE_COUNTER_H

#include <cgosan/cgosan.h>
#include <sched.h>

struct shared {
  int count;
};
static const cgosan_type kShared = {"struct shared", sizeof(struct shared), 0, NULL, 0};
static struct shared *shared;
static int flag;

static void new_shared(void) {
  shared = cgosan_new(&kShared);
  cgosan_add_root((void **)&shared);
}

static void raise_flag(void) { __atomic_store_n(&flag, 1, __ATOMIC_RELAXED); }

static void wait_for_flag(void) {
  while (!__atomic_load_n(&flag, __ATOMIC_RELAXED))
    sched_yield();
}

#endif  // CGOSAN_TESTS_E2E_PASS_RACE_COUNTER_H
