// pass_race_gc_run_ordered.c — pass_race_gc_run.c with the library thread's
// completion signalled through a pthread mutex + condition variable: its
// stores happen before the G's read, across the collection. Silent.
// Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#define COMPLETION RACE_LIB_COND
#include "pass_race_gc_run.c"
// STDOUT:third 7
// CHECK-NOT:{{.}}
