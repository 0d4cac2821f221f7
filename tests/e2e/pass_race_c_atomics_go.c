// pass_race_c_atomics_go.c — pass_race_c_atomics.c, unchanged, under
// race=go: Go's verdict on TestNoRaceCgoSync. Silent, as in Go; here both
// racecgosync's fence at every cgocall and the pass's acquire/release of the
// C atomics order the write before the update.
//
// ENV: CGOSAN_OPTIONS=race=go
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include "pass_race_c_atomics.c"
// STDOUT:data 2
// CHECK-NOT:{{.}}
