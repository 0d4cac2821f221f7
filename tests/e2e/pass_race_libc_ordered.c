// pass_race_libc_ordered.c — pass_race_libc.c with the libc calls and the
// reads under one pthread mutex: the writes are ordered before the reads.
// Silent.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_libc_writes.c
#define ORDERED 1
#include "pass_race_libc.c"
// STDOUT:wlo2x
// CHECK-NOT:{{.}}
