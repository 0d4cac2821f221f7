// interposed_race_go.c — interposed_race.c, unchanged, under race=go: Go's
// racecgosync releases at the start of every cgocall and acquires at its
// end, so the reader's shbuf_wait, which returns after the writer's last
// call began, orders everything the writer's calls handed over before the
// reader's calls. Silent, as Go's race detector would be (the handoff went
// through C, which it cannot see either); race=precise reports it.
//
// SHARED-LIB: interposed/shbuf.c
// PREP: cgosan-gen %S/interposed/shbuf.h --lib %w/libshbuf.so --annotations %S/interposed/shbuf.ini -o %w/shbuf-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/shbuf-interposer.so --
// ENV: CGOSAN_OPTIONS=race=go
#include "interposed_race.c"
// STDOUT:sum 10, parsed 10
// CHECK-NOT:{{.}}
