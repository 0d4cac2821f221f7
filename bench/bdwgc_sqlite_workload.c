// bdwgc_sqlite_workload.c — the sqlite3 workload of interposer_bench with
// Boehm GC rows, for bdwgc_bench: 100k rows, each a GC_MALLOC'd struct
// holding a GC_MALLOC_ATOMIC name, inserted (bind_int, bind_text with
// SQLITE_TRANSIENT, step, reset) in one transaction, then selected and
// summed. With the argument `static`, the names are bound with
// SQLITE_STATIC (each row's reset ends the hold the annotation follows,
// and the next row's bind replaces the pointer before a step reads it), so
// that under the adapter every bind records a retention
// and watches the name (a finalizer). Prints "ns=N", the CPU time of the
// process (all its threads, bdwgc's markers too) over the rows' loop and
// the select: on a loaded machine the wall time measures the neighbours.
#include <gc/gc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kRows = 100000 };

struct row {
  int id;
  char *name;
};

static long long NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void Check(int rc, int want, const char *what) {
  if (rc != want) {
    fprintf(stderr, "bdwgc_sqlite_workload: %s failed (%d)\n", what, rc);
    exit(1);
  }
}

int main(int argc, char **argv) {
  sqlite3_destructor_type how =
      argc > 1 && strcmp(argv[1], "static") == 0 ? SQLITE_STATIC : SQLITE_TRANSIENT;
  GC_INIT();
  sqlite3 *db;
  Check(sqlite3_open(":memory:", &db), SQLITE_OK, "open");
  Check(sqlite3_exec(db, "CREATE TABLE t(id INTEGER, name TEXT)", NULL, NULL, NULL),
        SQLITE_OK, "create");
  sqlite3_stmt *insert, *select;
  Check(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, ?)", -1, &insert, NULL),
        SQLITE_OK, "prepare insert");
  Check(sqlite3_prepare_v2(db, "SELECT sum(id), sum(length(name)) FROM t", -1,
                           &select, NULL),
        SQLITE_OK, "prepare select");
  long long start = NowNs();
  Check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK, "begin");
  for (int i = 0; i < kRows; i++) {
    struct row *r = GC_MALLOC(sizeof *r);
    r->id = i;
    r->name = GC_MALLOC_ATOMIC(24);
    snprintf(r->name, 24, "row %d", i);
    sqlite3_bind_int(insert, 1, r->id);
    sqlite3_bind_text(insert, 2, r->name, -1, how);
    Check(sqlite3_step(insert), SQLITE_DONE, "insert");
    sqlite3_reset(insert);
  }
  Check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "commit");
  Check(sqlite3_step(select), SQLITE_ROW, "select");
  long long ids = sqlite3_column_int64(select, 0);
  long long ns = NowNs() - start;
  sqlite3_finalize(select);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  if (ids != (long long)kRows * (kRows - 1) / 2) {
    fprintf(stderr, "bdwgc_sqlite_workload: sum %lld\n", ids);
    return 1;
  }
  printf("ns=%lld\n", ns);
  return 0;
}
