// pass_race_run_ordered.c — pass_race_run.c with the fill and the read
// under one pthread mutex: the run ends (is recorded) before the writer's
// unlock, so the reader's lock orders it. Silent. Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_run.c"
// STDOUT:byte {{-?[0-9]+}}
// CHECK-NOT:{{.}}
