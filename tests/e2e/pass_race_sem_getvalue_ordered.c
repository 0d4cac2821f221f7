// pass_race_sem_getvalue_ordered.c — pass_race_sem_getvalue.c with the
// worker's only write before its sem_post: the poll that sees the post
// orders it. Silent.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_sem_getvalue.c"
// STDOUT:count 1
// CHECK-NOT:{{.}}
