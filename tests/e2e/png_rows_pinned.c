// png_rows_pinned.c — png_rows_unpinned.c with every row pinned before
// png_write_image: the whole array of row pointers holds pinned pointers
// only, and the run is silent.
//
// RUN-UNDER: cgosan-run --lib png --
// LIBS: -lpng16
#define PIN_EVERY_ROW 1
#include "png_rows_unpinned.c"
// STDOUT:wrote a 8x8 PNG of {{[0-9]+}} bytes
// CHECK-NOT:{{.}}
