// pass_race_handoff.h — the harness of the pass_race_* handoff tests: two Gs,
// each on a thread of its own; the second waits for the first through a raw-
// syscall pipe: ordered in time, but no edge the race checker can see.
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_HANDOFF_H
#define CGOSAN_TESTS_E2E_PASS_RACE_HANDOFF_H

#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int handoff_pipe[2];

// The first G, when it is done.
static void hand_off(void) {
  char token = 1;
  if (syscall(SYS_write, handoff_pipe[1], &token, 1) != 1)
    perror("write");
}

// The second G, before it starts.
static void wait_for_handoff(void) {
  char token;
  if (syscall(SYS_read, handoff_pipe[0], &token, 1) != 1)
    perror("read");
}

static void *run_g(void *fn) {
  cgosan_run((cgosan_fn)fn, NULL);
  return NULL;
}

// Runs `first` and `second` as Gs on two threads and waits for both.
static int run_handoff(cgosan_fn first, cgosan_fn second) {
  if (syscall(SYS_pipe2, handoff_pipe, 0) != 0)
    return 1;
  pthread_t a, b;
  pthread_create(&a, NULL, run_g, (void *)first);
  pthread_create(&b, NULL, run_g, (void *)second);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}

#endif  // CGOSAN_TESTS_E2E_PASS_RACE_HANDOFF_H
