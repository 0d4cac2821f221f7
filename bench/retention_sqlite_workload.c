// retention_sqlite_workload.c — the sqlite3 workload retention_bench runs
// under each retention mode: `program ROWS` inserts ROWS rows in one
// transaction through the cgosan-gen sqlite3 interposer, each row's text in
// a managed buffer made for it (so the sampler of retention=guard sees an
// allocation site that lends) and bound with SQLITE_TRANSIENT (the call
// lends it; sqlite3 copies it), with a managed record per row that is never
// lent; then it selects the rows back and checks their sum. Legal: no mode
// may report. Prints "ns=<loop time>" on stdout.
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const cgosan_type kTextType = {"char[32]", 32, 0, NULL, 0};
static const cgosan_type kRecordType = {"long[4]", 32, 0, NULL, 0};

struct args {
  long rows;
  long long ns;
  int ok;
};

static long long NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void Workload(void *arg) {
  struct args *a = arg;
  sqlite3 *db;
  sqlite3_stmt *insert, *select;
  long long start = NowNs();
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER, name TEXT); BEGIN", NULL, NULL, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2)", -1, &insert, NULL);
  for (long i = 0; i < a->rows; i++) {
    long *record = cgosan_new(&kRecordType);
    record[0] = i;
    char *text = cgosan_new(&kTextType);
    snprintf(text, 32, "row %ld", i);
    sqlite3_bind_int(insert, 1, (int)record[0]);
    sqlite3_bind_text(insert, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_prepare_v2(db, "SELECT id FROM t", -1, &select, NULL);
  long long sum = 0;
  while (sqlite3_step(select) == SQLITE_ROW)
    sum += sqlite3_column_int(select, 0);
  sqlite3_finalize(select);
  sqlite3_close(db);
  a->ns = NowNs() - start;
  a->ok = sum == (long long)a->rows * (a->rows - 1) / 2;
}

int main(int argc, char **argv) {
  struct args a = {argc > 1 ? atol(argv[1]) : 100000, 0, 0};
  if (a.rows < 1) {
    fprintf(stderr, "usage: %s ROWS\n", argv[0]);
    return 2;
  }
  cgosan_run(Workload, &a);
  if (!a.ok) {
    fprintf(stderr, "the workload read back a wrong sum\n");
    return 1;
  }
  printf("ns=%lld\n", a.ns);
  return 0;
}
