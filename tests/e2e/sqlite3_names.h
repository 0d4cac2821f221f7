/* sqlite3_names.h — what the SQLITE_STATIC e2e tests share
 * (sqlite3_bind_static_unpinned.c and its twins sqlite3_bind_static_pinned.c,
 * sqlite3_bind_transient.c, and the retention ones): a managed name buffer, inserted into a table
 * with sqlite3_bind_text and the destructor the test picks, then read back.
 * Reports name the bind line of insert_name: line 28 of this file. */
#ifndef CGOSAN_TESTS_E2E_SQLITE3_NAMES_H
#define CGOSAN_TESTS_E2E_SQLITE3_NAMES_H

#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

static inline char *new_name(const char *text) {
  char *name = cgosan_new(&kNameType);
  strcpy(name, text);
  return name;
}

/* Not inlined: frame #0 of a report is its bind line, whatever the -O. */
static inline __attribute__((noinline)) int insert_name(sqlite3 *db,
                                                        const char *name,
                                                        sqlite3_destructor_type how) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, how);
  int done = sqlite3_step(stmt) == SQLITE_DONE;  /* sqlite3 reads the text */
  sqlite3_finalize(stmt);
  return done;
}

static inline sqlite3 *open_names(void) {
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  return db;
}

static inline void print_names(sqlite3 *db, int inserted) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT name FROM names", -1, &stmt, NULL);
  if (sqlite3_step(stmt) == SQLITE_ROW)
    printf("inserted: %s; read back: %s\n", inserted ? "yes" : "no",
           (const char *)sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
}

/* A statement that inserts `text` as a new managed name, pinned by pinner
 * and bound with SQLITE_STATIC, stepped: sqlite3 keeps the name until the
 * statement is reset or finalized. Not inlined: the bind's frame is this
 * function's, line 60 of this file. */
static inline __attribute__((noinline)) sqlite3_stmt *
insert_pinned_name(sqlite3 *db, cgosan_pinner *pinner, const char *text) {
  char *name = new_name(text);
  cgosan_pin(pinner, name);
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_step(stmt);
  return stmt;
}

static inline int count_names(sqlite3 *db) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM names", -1, &stmt, NULL);
  sqlite3_step(stmt);
  int rows = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return rows;
}

#endif /* CGOSAN_TESTS_E2E_SQLITE3_NAMES_H */
