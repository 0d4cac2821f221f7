// bdwgc_race_reuse_ordered.c — bdwgc_race_reuse.c with B handed over by a
// release store and an acquire load: the main thread's write of B happens
// before the worker's. Silent, because A's death cleared the worker's write
// of A from the shadow: left there, it would race with the main thread's
// write of B, at the same address.
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "bdwgc_race_reuse.c"
// STDOUT:value 2
// CHECK-NOT:{{.}}
