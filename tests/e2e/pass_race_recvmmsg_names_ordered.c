// pass_race_recvmmsg_names_ordered.c — pass_race_recvmmsg_names.c with the
// receive and the G's reads under one pthread mutex: the names the kernel
// stored are ordered before the reads. Silent (so is clang-19
// -fsanitize=thread on the malloc'd twin).
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define ORDERED 1
#include "pass_race_recvmmsg_names.c"
// STDOUT:0 0
// CHECK-NOT:{{.}}
