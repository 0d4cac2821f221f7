// bdwgc_stash_write_global.c — the silent twin of bdwgc_stash_write.c: the
// buffer the library keeps is also in a global, a root bdwgc scans, so it
// never dies, and its write is the library's right.
//
// SHARED-LIB: interposed/stash.c
// PREP: cgosan-gen %S/interposed/stash.h --lib %w/libstash.so -o %w/stash-interposer.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/stash-interposer.so --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lgc
#define KEEP 1
#include "bdwgc_stash_write.c"
// STDOUT:wrote 8192
