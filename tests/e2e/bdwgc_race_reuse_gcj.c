// bdwgc_race_reuse_gcj.c — bdwgc_race_reuse_ordered.c with A and B of gcj's
// kind (GC_gcj_malloc), a kind bdwgc makes after the adapter loaded: the
// adapter's GC_new_kind_inner gives it the disclaim procedure.
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
#define GCJ 1
#include "bdwgc_race_reuse.c"
// STDOUT:value 2
// CHECK-NOT:{{.}}
