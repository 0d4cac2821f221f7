/* pass_race_lib.h — a tiny C library for the race tests of the clang pass
 * (pass_race_*.c) that works on threads of its own, the way an asynchronous
 * I/O library completes a request. It is built WITH the plugin and
 * -cgosan-race (`// FOREIGN-CFLAGS:`): its real loads, stores, copies and
 * atomics are recorded, as foreign code's, while the managed programs call
 * it through cgosan_cgocall (-cgosan-foreign=race_lib_*). */
#ifndef CGOSAN_TESTS_PASS_RACE_LIB_H
#define CGOSAN_TESTS_PASS_RACE_LIB_H

#include <stddef.h>

/* How a library thread tells the caller its work is done; race_lib_wait
 * takes the signal the matching way. Each is a happens-before edge the
 * race checker sees. */
enum race_lib_signal {
  /* a done flag under a pthread mutex + condition variable */
  RACE_LIB_COND,
  /* a byte through a pipe: write, then read */
  RACE_LIB_PIPE,
  /* a byte through a socketpair: send, then recv */
  RACE_LIB_SOCKETPAIR,
  /* eventfd_write, then eventfd_read */
  RACE_LIB_EVENTFD,
  /* a byte through a pipe whose read end the caller watches with epoll:
   * epoll_wait, then read */
  RACE_LIB_EPOLL,
  /* pthread_kill(SIGUSR1) of the thread that made the request; its handler
   * marks the request done (the caller waits in sigsuspend) */
  RACE_LIB_SIGNAL,
  /* RACE_LIB_SIGNAL sent too early: before the work (a bug) */
  RACE_LIB_SIGNAL_FIRST,
  /* NOT an edge: a done flag stored and polled with relaxed atomics (an
   * order in time only); the thread then stays, doing nothing, until
   * race_lib_let_go, so what it did is not ended by its exit yet */
  RACE_LIB_RELAXED,
};

struct race_lib_request;

/* Starts a library thread that stores value into *slot (a plain 4-byte
 * store), then signals. */
struct race_lib_request *race_lib_store_async(int *slot, int value,
                                              enum race_lib_signal how);
/* Starts a library thread that fills n bytes of buf with byte (memset),
 * then signals. */
struct race_lib_request *race_lib_fill_async(char *buf, size_t n, int byte,
                                             enum race_lib_signal how);
/* Starts a library thread that stores value into ints[0], ints[1]...
 * ints[count - 1], one plain 4-byte store each (four adjacent stores, at
 * -O0: one run of stores to the race checker), then signals. */
struct race_lib_request *race_lib_store_ints_async(int *ints, int count, int value,
                                                   enum race_lib_signal how);
/* Starts a library thread that stores value into *slot with a relaxed
 * atomic store, then signals. */
struct race_lib_request *race_lib_atomic_store_async(int *slot, int value,
                                                     enum race_lib_signal how);
/* Returns once the request's thread has signalled, taking the signal. */
void race_lib_wait(struct race_lib_request *req);
/* A RACE_LIB_RELAXED request's thread may end now. */
void race_lib_let_go(struct race_lib_request *req);
/* Returns once the request's thread has signalled, WITHOUT taking the
 * signal: it waits on raw syscalls the race checker cannot see, so the
 * caller is later in time than the library's work but not ordered after it. */
void race_lib_wait_unseen(struct race_lib_request *req);
/* The fd a pipe, socketpair or eventfd request is read through (-1 for the
 * others). */
int race_lib_fd(struct race_lib_request *req);
/* Closes the request's fds without reading them (its thread still runs
 * until race_lib_finish). */
void race_lib_close(struct race_lib_request *req);
/* RACE_LIB_SIGNAL: the library's handler calls hook (on the waiting thread,
 * inside the handler) before it marks the request done. */
void race_lib_on_signal(void (*hook)(void));
/* Joins the request's thread, closes what is left, frees the request. */
void race_lib_finish(struct race_lib_request *req);

/* Go's TestNoRaceCgoSync: a store-release of a flag, and a spin on its
 * load-acquire until it is set. */
void race_lib_notify(void);
void race_lib_wait_notified(void);

/* Relaxed atomic steps on a C int: an order in time between threads that
 * is no happens-before edge. Called from managed code they are foreign
 * calls, so a G waiting in one is parked (a collection can run). */
void race_lib_set(int *flag, int value);
void race_lib_wait_for(const int *flag, int value);

#endif
