// interposed_noescape_kept.c — the silent twin of
// interposed_noescape_broken.c, under retention=full: keeper_sum keeps its
// noescape promise (it reads its managed buffer during the call only), so
// later calls and collections touch nothing watched; keeper_hold is handed a
// copy in C memory, which it may keep; a stack buffer passed to keeper_sum
// is what the promise allows. Nothing needs a pin.
//
// SHARED-LIB: interposed/keeper.c
// PREP: cgosan-gen %S/interposed/keeper.h --lib %w/libkeeper.so --annotations %S/interposed/keeper.ini -o %w/keeper-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/keeper-interposer.so --
// ENV: CGOSAN_OPTIONS=retention=full
#include "noescape_kept.h"

// STDOUT:sum 436 436 436
// STDOUT-NEXT:on the stack 534
// STDOUT-NEXT:peeked e

int main(void) {
  return cgosan_run(noescape_kept_main, NULL);
}
