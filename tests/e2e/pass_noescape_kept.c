// pass_noescape_kept.c — the silent twin of pass_noescape_broken.c, with the
// promise read from the annotation file (interposed/keeper.ini's `noescape =
// yes`, -cgosan-annotations) instead of -cgosan-noescape, under
// retention=full: keeper_sum keeps its promise, so later calls and a
// collection touch nothing watched; keeper_hold is handed a copy in C
// memory, which it may keep; a stack buffer passed to keeper_sum is what
// the promise allows. Nothing needs a pin. Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=keeper_* -mllvm -cgosan-annotations=%S/interposed/keeper.ini
// FOREIGN: interposed/keeper.c
// ENV: CGOSAN_OPTIONS=retention=full
#include "noescape_kept.h"

// STDOUT:sum 436 436 436
// STDOUT-NEXT:on the stack 534
// STDOUT-NEXT:peeked e

int main(void) {
  return cgosan_run(noescape_kept_main, NULL);
}
