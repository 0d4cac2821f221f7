// interposed_race_ordered.c — interposed_race.c with the handoff also made
// with cgosan_release / cgosan_acquire: the writer's calls happen before the
// reader's, so race=precise, which reports the same program without them,
// is silent.
//
// SHARED-LIB: interposed/shbuf.c
// PREP: cgosan-gen %S/interposed/shbuf.h --lib %w/libshbuf.so --annotations %S/interposed/shbuf.ini -o %w/shbuf-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/shbuf-interposer.so --
// ENV: CGOSAN_OPTIONS=race=precise
#define ORDERED_HANDOFF 1
#include "interposed_race.c"
// STDOUT:sum 10, parsed 10
// CHECK-NOT:{{.}}
