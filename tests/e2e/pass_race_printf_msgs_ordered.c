// pass_race_printf_msgs_ordered.c — pass_race_printf_msgs.c with the libc
// calls and the G's accesses under one pthread mutex: the calls are ordered
// before the G's accesses. Silent (so is clang-19 -fsanitize=thread on the
// malloc'd twin).
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_printf_msgs_calls.c
#define ORDERED 1
#include "pass_race_printf_msgs.c"
// STDOUT:0w
// STDOUT-NEXT:0
// CHECK-NOT:{{.}}
