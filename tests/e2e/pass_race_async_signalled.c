// pass_race_async_signalled.c — pass_race_async.c with the program taking
// the library's completion signal before it reads, the way a careful caller
// does. By default the signal is a done flag under a pthread mutex and a
// condition variable (the pthread interceptors order unlock -> lock); the
// variants registered with -DCOMPLETION= take it through the kernel: a byte
// read from a pipe, recv from a socketpair, eventfd_read, epoll_wait on the
// pipe's read end then read, and SIGUSR1 sent with pthread_kill, whose
// handler runs in the waiter's sigsuspend. Each is a happens-before edge
// (write -> read, send -> recv, kill -> handler), so the store and the fill
// are ordered before the managed reads and race=precise, which reports
// pass_race_async.c, is silent. Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include "pass_race_lib.h"
#ifndef COMPLETION
#define COMPLETION RACE_LIB_COND
#endif
#define WAIT race_lib_wait
#include "pass_race_async.c"
// STDOUT:count 42
// STDOUT-NEXT:first byte x
// CHECK-NOT:{{.}}
