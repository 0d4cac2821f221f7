// tsan_bridge_ordered.c — tsan_bridge_race.c with the handoff also named to
// the checkers with cgosan_release / cgosan_acquire. The edge goes to TSan
// too (__tsan_release / __tsan_acquire), so neither engine reports.
//
// CFLAGS: -fsanitize=thread
// FOREIGN: tsan_bridge_handoff.c
// ENV: CGOSAN_OPTIONS=race=precise
#define ORDERED_HANDOFF 1
#include "tsan_bridge_race.c"
// CHECK:done
// CHECK-NOT:{{.}}
