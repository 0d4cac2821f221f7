// sqlite3_blob_race.c — the shipped sqlite3.ini's `access` lines at work,
// through `cgosan-run --lib sqlite3` and race=precise: sqlite3.h types the
// buffers of sqlite3_blob_read / sqlite3_blob_write as `void *` / `const
// void *` (no access by default); sqlite3.ini says blob_read writes N bytes
// of Z and blob_write reads n bytes of z. Two threads, each running managed
// code on its own connection, share one managed buffer: one reads a blob
// into it, then lets the other go through a flag the race checker does not
// see; the other writes the buffer into its own blob. The second call races
// with the first, and the report names both calls and the callers' lines.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// ENV: CGOSAN_OPTIONS=race=precise
// EXIT: 66
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>

enum { kBlobSize = 16 };
static const cgosan_type kBytesType = {"unsigned char[16]", kBlobSize, 0, NULL, 0};
static unsigned char *shared_bytes;
// The handoffs: plain atomics, invisible to cgosan. The writer sets up its
// connection before the reader reads the blob, and makes no call between
// that read and its own write: sqlite3's internal locks (seen through the
// pthread interceptors) cannot order the two.
static int writer_ready, blob_was_read;

static sqlite3_blob *open_blob(sqlite3 **db) {
  sqlite3_open(":memory:", db);
  sqlite3_exec(*db, "CREATE TABLE t (b BLOB); INSERT INTO t VALUES (zeroblob(16))", NULL,
               NULL, NULL);
  sqlite3_blob *blob;
  sqlite3_blob_open(*db, "main", "t", "b", 1, 1, &blob);
  return blob;
}

static void wait_for(const int *flag) {
  while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
  }
}

static void close_blob(sqlite3 *db, sqlite3_blob *blob) {
  sqlite3_blob_close(blob);
  sqlite3_close(db);
}

static void read_blob(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_blob *blob = open_blob(&db);
  wait_for(&writer_ready);
  sqlite3_blob_read(blob, shared_bytes, kBlobSize, 0);
  __atomic_store_n(&blob_was_read, 1, __ATOMIC_RELEASE);
  close_blob(db, blob);
}

static void write_blob(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_blob *blob = open_blob(&db);
  __atomic_store_n(&writer_ready, 1, __ATOMIC_RELEASE);
  wait_for(&blob_was_read);
  sqlite3_blob_write(blob, shared_bytes, kBlobSize, 0);
  close_blob(db, blob);
}

static void *run(void *fn) {
  cgosan_run((cgosan_fn)fn, NULL);
  return NULL;
}

int main(void) {
  shared_bytes = cgosan_new(&kBytesType);
  pthread_t reader, writer;
  pthread_create(&reader, NULL, run, (void *)read_blob);
  pthread_create(&writer, NULL, run, (void *)write_blob);
  pthread_join(reader, NULL);
  pthread_join(writer, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 16 at 0x[[BYTES:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code, in the call to sqlite3_blob_write from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in write_blob {{.*}}/sqlite3_blob_race.c:[[#@LINE-20]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run {{.*}}/sqlite3_blob_race.c:[[#@LINE-17]]:3
// CHECK:  0x[[BYTES]] is object of type 'unsigned char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 16 at 0x[[BYTES]] by thread T{{[0-9]+}} (foreign code, in the call to sqlite3_blob_read from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in read_blob {{.*}}/sqlite3_blob_race.c:[[#@LINE-36]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run {{.*}}/sqlite3_blob_race.c:{{[0-9]+}}:3
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[BYTES]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_blob_race.c:[[#@LINE-20]]:18
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/sqlite3_blob_race.c:[[#@LINE-31]]:3 in write_blob
// CHECK-NOT:{{.}}
