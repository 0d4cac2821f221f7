/* sqlite3_rebind.h — what the `slot` and `if result` e2e tests share
 * (sqlite3_rebind_unpin.c, sqlite3_rebind_unpin_unslotted.c): three legal
 * ways sqlite3 stops keeping a SQLITE_STATIC text before the statement is
 * finalized, each followed by the unpin of that text:
 *   1. the same parameter bound again with another text (vdbeUnbind drops
 *      the first);
 *   2. the same parameter bound again with SQLITE_TRANSIENT (the `when`
 *      condition does not hold, yet the first text is dropped the same way);
 *   3. a bind that fails (parameter 5 of a one-parameter statement:
 *      SQLITE_RANGE), which keeps nothing;
 *   4. the same parameter bound again with an integer (sqlite3_bind_int).
 * The texts that are still bound stay pinned until the statement is
 * finalized. The four unpins are on lines 33, 38, 40 and 43 of this file. */
#ifndef CGOSAN_TESTS_E2E_SQLITE3_REBIND_H
#define CGOSAN_TESTS_E2E_SQLITE3_REBIND_H

#include "sqlite3_names.h"

static inline char *pinned_name(cgosan_pinner *pinner, const char *text) {
  char *name = new_name(text);
  cgosan_pin(pinner, name);
  return name;
}

static inline __attribute__((noinline)) void rebind_and_unpin(sqlite3 *db) {
  cgosan_pinner *first = cgosan_pinner_new(), *second = cgosan_pinner_new(),
                *third = cgosan_pinner_new(), *failed = cgosan_pinner_new(),
                *fourth = cgosan_pinner_new();
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, pinned_name(first, "alice"), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 1, pinned_name(second, "bob"), -1, SQLITE_STATIC);
  cgosan_unpin(first);  /* 1. sqlite3 dropped alice at the rebind */
  sqlite3_step(stmt);
  sqlite3_reset(stmt);
  sqlite3_bind_text(stmt, 1, pinned_name(third, "carol"), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 1, "dave", -1, SQLITE_TRANSIENT);
  cgosan_unpin(third);  /* 2. dropped at the SQLITE_TRANSIENT rebind */
  int range = sqlite3_bind_text(stmt, 5, pinned_name(failed, "erin"), -1, SQLITE_STATIC);
  cgosan_unpin(failed);  /* 3. never kept: SQLITE_RANGE */
  sqlite3_bind_text(stmt, 1, pinned_name(fourth, "frank"), -1, SQLITE_STATIC);
  sqlite3_bind_int(stmt, 1, 7);
  cgosan_unpin(fourth);  /* 4. dropped at the integer rebind */
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  cgosan_unpin(second);
  printf("bind of parameter 5: %s\n", range == SQLITE_RANGE ? "SQLITE_RANGE" : "?");
  cgosan_pinner_free(first);
  cgosan_pinner_free(second);
  cgosan_pinner_free(third);
  cgosan_pinner_free(failed);
  cgosan_pinner_free(fourth);
}

/* The program both tests run: the rebinds, then the rows inserted. */
static void rebind_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  rebind_and_unpin(db);
  printf("names: %d\n", count_names(db));
  sqlite3_close(db);
}

#endif /* CGOSAN_TESTS_E2E_SQLITE3_REBIND_H */
