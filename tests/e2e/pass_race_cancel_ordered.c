// pass_race_cancel_ordered.c — pass_race_cancel.c reading the worker's
// counter only after cancelling and joining it: ordered. Silent.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_cancel.c"
// STDOUT:after the join: 1
// CHECK-NOT:{{.}}
