// bdwgc_race_reuse_finalized.c — bdwgc_race_reuse_ordered.c with A and B of
// gc_disclaim's finalized kind (GC_finalized_malloc, with a finalizer that
// does nothing): GC_init_finalized_malloc makes the kind, then registers
// its own disclaim procedure for it, which bdwgc would call instead of the
// adapter's. The adapter's GC_register_disclaim_proc chains the two: the
// kind's runs first, and A's death still clears the shadow.
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
#define FINALIZED 1
#include "bdwgc_race_reuse.c"
// STDOUT:value 2
// CHECK-NOT:{{.}}
