// interposed_race.c — rule 5 through an interposer cgosan-gen makes from a
// header (interposed/shbuf.h + shbuf.ini): the wrapper records, before each
// call, the memory each pointer argument hands to the library, as an access
// made by that call. Two threads, each running managed code (cgosan_run, so
// every library call is a cgocall), share one managed buffer and one managed
// string: the writer fills the buffer (shbuf_fill: `struct shbuf *`, a write
// of the struct by default) and formats it into the string (shbuf_format:
// `char *out`, a write of `capacity` bytes as shbuf.ini says); the reader
// sums the buffer (`const struct shbuf *`: a read) and parses the string
// (`const char *`: a read of the C string, NUL included). The writer goes
// first: the reader waits for it inside the library (shbuf_wait), which no
// happens-before edge shows. With race=precise both pairs are data races,
// each reported with the two calls and the callers' lines. Twins, with the
// same program: interposed_race_ordered.c (the handoff also made with
// cgosan_release / cgosan_acquire: silent) and interposed_race_go.c
// (race=go: racecgosync's fence at every cgocall orders the calls: silent).
//
// SHARED-LIB: interposed/shbuf.c
// PREP: cgosan-gen %S/interposed/shbuf.h --lib %w/libshbuf.so --annotations %S/interposed/shbuf.ini -o %w/shbuf-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/shbuf-interposer.so --
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <shbuf.h>
#include <stdio.h>

#ifndef ORDERED_HANDOFF  // interposed_race_ordered.c sets it
#define ORDERED_HANDOFF 0
#endif

enum { kTextCapacity = 64 };
static const cgosan_type kShbufType = {"struct shbuf", sizeof(struct shbuf), 0, NULL, 0};
static const cgosan_type kTextType = {"char[64]", kTextCapacity, 0, NULL, 0};

struct shared {
  struct shbuf *buf;
  char *text;
};
static char handoff;  // names the sync object of the ordered handoff

static void write_shared(void *arg) {
  struct shared *s = arg;
  shbuf_fill(s->buf, 1);
  shbuf_format(s->text, kTextCapacity, s->buf);
  if (ORDERED_HANDOFF)
    cgosan_release(&handoff);
  shbuf_signal();
}

static void read_shared(void *arg) {
  struct shared *s = arg;
  shbuf_wait();
  if (ORDERED_HANDOFF)
    cgosan_acquire(&handoff);
  long sum = shbuf_sum(s->buf);
  long parsed = shbuf_parse(s->text);
  printf("sum %ld, parsed %ld\n", sum, parsed);
}

static void *run_writer(void *arg) {
  cgosan_run(write_shared, arg);
  return NULL;
}

static void *run_reader(void *arg) {
  cgosan_run(read_shared, arg);
  return NULL;
}

int main(void) {
  struct shared s = {cgosan_new(&kShbufType), cgosan_new(&kTextType)};
  pthread_t reader, writer;
  pthread_create(&reader, NULL, run_reader, &s);
  pthread_create(&writer, NULL, run_writer, &s);
  pthread_join(reader, NULL);
  pthread_join(writer, NULL);
  return 0;
}
// Report 1: the reader's shbuf_sum (a read of the whole struct) after the
// writer's shbuf_fill (a write of it), both by default from the types.
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 32 at 0x[[BUF:[0-9a-f]+]] by thread T[[READER:[0-9]+]] (foreign code, in the call to shbuf_sum from G [[READER_G:[0-9]+]]):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in read_shared {{.*}}/interposed_race.c:[[#@LINE-28]]:14
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_reader {{.*}}/interposed_race.c:[[#@LINE-19]]:3
// CHECK:  0x[[BUF]] is object of type 'struct shbuf' (32 bytes)
// CHECK-NEXT:  Previous write of size 32 at 0x[[BUF]] by thread T[[WRITER:[0-9]+]] (foreign code, in the call to shbuf_fill from G [[WRITER_G:[0-9]+]]):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in write_shared {{.*}}/interposed_race.c:[[#@LINE-45]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_writer {{.*}}/interposed_race.c:{{[0-9]+}}:3
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/interposed_race.c:[[#@LINE-22]]:22
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/interposed_race.c:[[#@LINE-39]]:14 in read_shared
// Report 2: the reader's shbuf_parse (a read of the C string: "1 2 3 4" and
// its NUL) after the writer's shbuf_format (a write of `capacity` bytes, as
// shbuf.ini says).
// CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 8 at 0x[[TEXT:[0-9a-f]+]] by thread T[[READER]] (foreign code, in the call to shbuf_parse from G [[READER_G]]):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in read_shared {{.*}}/interposed_race.c:[[#@LINE-44]]:17
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_reader {{.*}}/interposed_race.c:[[#@LINE-36]]:3
// CHECK:  0x[[TEXT]] is object of type 'char[64]' (64 bytes)
// CHECK-NEXT:  Previous write of size 64 at 0x[[TEXT]] by thread T[[WRITER]] (foreign code, in the call to shbuf_format from G [[WRITER_G]]):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in write_shared {{.*}}/interposed_race.c:[[#@LINE-61]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_writer {{.*}}/interposed_race.c:{{[0-9]+}}:3
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[TEXT]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/interposed_race.c:[[#@LINE-39]]:47
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/interposed_race.c:[[#@LINE-55]]:17 in read_shared
// CHECK-NOT:{{.}}
// STDOUT:sum 10, parsed 10
