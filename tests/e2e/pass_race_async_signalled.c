// pass_race_async_signalled.c — pass_race_async.c with the library's
// completion signalled the way a careful library does it: a done flag under
// a pthread mutex, a condition variable the caller waits on. The pthread
// interceptors turn the library thread's unlock and the caller's lock into
// a happens-before edge, so the store and the fill are ordered before the
// managed reads and race=precise, which reports the pipe version, is silent.
// Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include "pass_race_lib.h"
#define COMPLETION RACE_LIB_COND
#include "pass_race_async.c"
// STDOUT:count 42
// STDOUT-NEXT:first byte x
// CHECK-NOT:{{.}}
