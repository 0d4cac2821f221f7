// pass_race_c11_threads_ordered.c — pass_race_c11_threads.c with the
// worker's update and main's read under one C11 mtx_t: mtx_unlock ->
// mtx_lock orders them. Silent.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_c11_threads.c"
// STDOUT:count 42
// CHECK-NOT:{{.}}
