/* pass_race_lib.h — a tiny C library for the race tests of the clang pass
 * (pass_race_*.c) that works on threads of its own, the way an asynchronous
 * I/O library completes a request. It is built WITH the plugin and
 * -cgosan-race (`// FOREIGN-CFLAGS:`): its real loads, stores, copies and
 * atomics are recorded, as foreign code's, while the managed programs call
 * it through cgosan_cgocall (-cgosan-foreign=race_lib_*). */
#ifndef CGOSAN_TESTS_PASS_RACE_LIB_H
#define CGOSAN_TESTS_PASS_RACE_LIB_H

#include <stddef.h>

/* How a library thread tells the caller its work is done. */
enum race_lib_signal {
  /* a byte through a pipe: the race checker sees no ordering in it */
  RACE_LIB_PIPE,
  /* a done flag under a pthread mutex + condition variable: ordered when
   * the pthread interceptors turn unlock -> lock into happens-before */
  RACE_LIB_COND,
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
/* Returns once the request's thread has signalled. */
void race_lib_wait(struct race_lib_request *req);
/* Joins the request's thread and frees the request. */
void race_lib_finish(struct race_lib_request *req);

/* Go's TestNoRaceCgoSync: a store-release of a flag, and a spin on its
 * load-acquire until it is set. */
void race_lib_notify(void);
void race_lib_wait_notified(void);

#endif
