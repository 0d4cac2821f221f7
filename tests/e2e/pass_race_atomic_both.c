// pass_race_atomic_both.c — pass_race_atomic_plain.c with the G's store
// atomic too: two atomic accesses never race, ordered or not. Silent.
// Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#define ATOMIC_STORE 1
#include "pass_race_atomic_plain.c"
// STDOUT:slot 2
// CHECK-NOT:{{.}}
