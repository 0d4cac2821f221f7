// bdwgc_race_reuse_gc_free.c — bdwgc_race_reuse_ordered.c with A freed by
// the program (GC_FREE) instead of collected: bdwgc calls no disclaim
// procedure there, and the adapter's GC_free tells cgosan of the death.
// Silent, because A's death cleared the worker's write of A from the
// shadow: left there, it would race with the main thread's write of B, at
// the same address.
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#define FREE_A 1
#include "bdwgc_race_reuse.c"
// STDOUT:value 2
// CHECK-NOT:{{.}}
