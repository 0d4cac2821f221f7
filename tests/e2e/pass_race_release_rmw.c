// pass_race_release_rmw.c — pass_race_release_store.c with B publishing
// through an atomic exchange (release): a read-modify-write continues the
// release sequence A's store heads, so the main G's acquire synchronises
// with A too, and its read is ordered after A's write. Silent. Registered
// at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define B_EXCHANGES 1
#include "pass_race_release_store.c"
// STDOUT:data 42
// CHECK-NOT:{{.}}
