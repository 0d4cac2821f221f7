// pass_race_async_go.c — pass_race_async.c, the same two real races between
// a library thread's stores and the managed reads, under race=go: Go's race
// detector never sees C's accesses, so the compatible mode is silent where
// race=precise reports both (the case the issue names: "a foreign write vs a
// managed read with no sync: reported in precise, hidden in go mode").
// Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=go:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include "pass_race_async.c"
// STDOUT:count 42
// STDOUT-NEXT:first byte x
// CHECK-NOT:{{.}}
