// pass_race_word_write_ordered.c — pass_race_word_write.c with each G's
// accesses under one pthread mutex: the second G's whole-word writes are
// ordered after the first G's accesses. Silent (so is clang-19
// -fsanitize=thread on the malloc'd twin).
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_word_write.c"
// STDOUT:3 3
// CHECK-NOT:{{.}}
