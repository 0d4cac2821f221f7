// pass_race_reuse_ordered.c — pass_race_reuse.c with B handed over by a
// release store and an acquire load: the main G's write of B happens
// before the worker's. Silent. Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_reuse.c"
// STDOUT:value 2
// CHECK-NOT:{{.}}
