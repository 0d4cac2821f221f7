// bdwgc_uv_pool_race.c — the racy twin of bdwgc_uv_pool.c: the loop thread
// reads a GC_MALLOC'd counter right after queueing the work that writes it
// on a pool thread, with nothing between them (the queueing's mutex orders
// what came before it, not the read after). race=precise follows bdwgc's
// objects through the adapter: the write and the read are a data-race
// report on the object of heap 'bdwgc', whichever runs first.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// LIBS: -lgc -luv
// RUN-UNDER: cgosan-run --heap bdwgc --
// EXIT: 66
#include <gc/gc.h>
#include <stdio.h>
#include <uv.h>

struct counter { long value; };
static struct counter *counter;  // a root bdwgc scans
static uv_work_t work;

static void bump(uv_work_t *w) {  // on a pool thread
  (void)w;
  counter->value = 1;
}

static void bumped(uv_work_t *w, int status) { (void)w; (void)status; }

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:{{(Read|Write)}} of size 8 at 0x[[ADDR:[0-9a-f]+]] by thread T{{[0-9]+}}:
// CHECK:  0x[[ADDR]] is object of heap 'bdwgc' ({{[0-9]+}} bytes)
// CHECK:  Previous {{(read|write)}} of size 8 at 0x[[ADDR]] by thread T{{[0-9]+}}:
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}
int main(void) {
  GC_INIT();
  counter = GC_MALLOC(sizeof *counter);
  uv_loop_t *loop = uv_default_loop();
  uv_queue_work(loop, &work, bump, bumped);
  long seen = counter->value;  // unsynchronised with bump's write
  uv_run(loop, UV_RUN_DEFAULT);
  printf("seen %ld\n", seen);
  uv_loop_close(loop);
  return 0;
}
