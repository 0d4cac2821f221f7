// interposed_stack_reuse.c — what the interposer does not record: memory
// that is not managed. Two threads run one G each, one after the other, and
// each fills a struct on its G's stack through the interposed shbuf_fill
// (`struct shbuf *`: a write by default). The second G gets the first one's
// stack back (the program prints that the address is the same: a thread's
// idle G stays with its M until the thread exits, so the second thread waits,
// after the handoff, until the kernel says the first is gone), and no edge
// the race checker sees orders the two threads (the handoff is inside
// libshbuf). Were foreign memory recorded, the second write would race with
// the first life of the address; it is not (only managed memory crosses the
// boundary; C heap and stack reuse are invisible to the checker), so
// race=precise is silent.
//
// SHARED-LIB: interposed/shbuf.c
// PREP: cgosan-gen %S/interposed/shbuf.h --lib %w/libshbuf.so --annotations %S/interposed/shbuf.ini -o %w/shbuf-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/shbuf-interposer.so --
// ENV: CGOSAN_OPTIONS=race=precise
#define _GNU_SOURCE
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <shbuf.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t filled_at[2];
static pid_t first_tid;

static void fill_on_stack(void *arg) {
  struct shbuf local;
  shbuf_fill(&local, 1);
  filled_at[(intptr_t)arg] = (uintptr_t)&local;
}

static void *first(void *arg) {
  (void)arg;
  first_tid = gettid();
  cgosan_run(fill_on_stack, (void *)0);
  shbuf_signal();
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  shbuf_wait();
  // Not a synchronisation the race checker sees: a system call.
  while (syscall(SYS_tgkill, getpid(), first_tid, 0) == 0)
    sched_yield();
  cgosan_run(fill_on_stack, (void *)1);
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, first, NULL);
  pthread_create(&b, NULL, second, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("the second G filled the same stack address: %s\n",
         filled_at[0] == filled_at[1] ? "yes" : "no");
  return 0;
}
// STDOUT:the second G filled the same stack address: yes
// CHECK-NOT:{{.}}
