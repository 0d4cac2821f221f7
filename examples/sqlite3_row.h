/* sqlite3_row.h — the design's example, shared by examples/sqlite3_blob.c,
 * examples/sqlite3_blob_fixed.c and the e2e tests that run it through the
 * interposer and the pass (tests/e2e/sqlite3_blob_*.c, pass_sqlite3_blob.c):
 * a managed row struct whose name field is a managed pointer, and store_row,
 * which saves the row as a blob. The blob's bytes would carry the pointer
 * into sqlite3's memory, where the collector cannot see it, so the name must
 * be pinned while sqlite3 may read it. Reports name the sqlite3_bind_blob
 * line of store_row: the e2e tests cite it as line 30 of this file. */
#ifndef CGOSAN_EXAMPLES_SQLITE3_ROW_H
#define CGOSAN_EXAMPLES_SQLITE3_ROW_H

#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdint.h>

struct row {
  int64_t id;
  char *name; /* managed */
  double score;
};
static const uint8_t kRowMask[] = {0x02}; /* word 1 (name) is a pointer */
static const cgosan_type kRowType = {"struct row", sizeof(struct row), 16, kRowMask, 0};
static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

/* Not inlined: frame #0 of a report is its bind line, whatever the -O. */
static __attribute__((noinline)) void store_row(sqlite3 *db,
                                                const struct row *r) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_blob(stmt, 1, r, sizeof *r, SQLITE_TRANSIENT);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
}

#endif /* CGOSAN_EXAMPLES_SQLITE3_ROW_H */
