// sqlite3_callbacks.c — managed callbacks through the real sqlite3, under
// `cgosan-run --lib sqlite3`, by the rules, so without a report. The program
// passes plain C function pointers; the interposer swaps each for a closure
// that enters managed code (cgosan_cgocallback), so every callback runs on the
// G (cgosan_in_managed) and its own sqlite3 calls are checked cgocalls:
//   - sqlite3_exec with a callback whose user_data is a handle (the fixed twin
//     of sqlite3_exec_unpinned.c): the rows land in a managed array;
//   - sqlite3_create_collation: a managed comparison orders the rows;
//   - sqlite3_create_function: a managed SQL function calls sqlite3_value_int
//     and sqlite3_result_int from inside the callback.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct names {
  char **items;  // a managed array of managed strings
  int64_t count;
};
static const uint8_t kNamesMask[] = {0x01};
static const cgosan_type kNamesType = {"struct names", sizeof(struct names), 8, kNamesMask, 0};
static const uint8_t kItemMask[] = {0x01};
static const cgosan_type kItemType = {"char *", sizeof(char *), 8, kItemMask, 0};
static const cgosan_type kTextType = {"char[16]", 16, 0, NULL, 0};

static int outside_managed_code;  // callbacks that did not run as managed code

static int collect(void *ud, int ncols, char **values, char **columns) {
  (void)ncols; (void)columns;
  outside_managed_code += !cgosan_in_managed();
  struct names *acc = cgosan_handle_value((uintptr_t)ud);
  char *copy = cgosan_new(&kTextType);
  strncpy(copy, values[0], 15);
  acc->items[acc->count++] = copy;
  return 0;
}

static int reverse_order(void *ud, int na, const void *a, int nb, const void *b) {
  (void)ud;
  outside_managed_code += !cgosan_in_managed();
  int c = memcmp(a, b, na < nb ? na : nb);
  return c ? -c : nb - na;
}

static void twice(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  outside_managed_code += !cgosan_in_managed();
  sqlite3_result_int(ctx, 2 * sqlite3_value_int(argv[0]));
}

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_create_collation(db, "reverse", SQLITE_UTF8, NULL, reverse_order);
  sqlite3_create_function(db, "twice", 1, SQLITE_UTF8, NULL, twice, NULL, NULL);
  sqlite3_exec(db, "CREATE TABLE t (name TEXT, n INT);"
                   "INSERT INTO t VALUES ('bob', 1), ('alice', 2), ('carol', 3)",
               NULL, NULL, NULL);

  struct names *acc = cgosan_new(&kNamesType);
  acc->items = cgosan_new_array(&kItemType, 8);
  uintptr_t handle = cgosan_handle_new(acc);  // FIX: a handle, not the pointer
  int64_t calls_before = cgosan_num_cgocall();
  sqlite3_exec(db, "SELECT name || twice(n) FROM t ORDER BY name COLLATE reverse",
               collect, (void *)handle, NULL);
  printf("rows:");
  for (int64_t i = 0; i < acc->count; i++)
    printf(" %s", acc->items[i]);
  printf("\ncallbacks outside managed code: %d\n", outside_managed_code);
  printf("sqlite3 calls from the callbacks were checked: %s\n",
         cgosan_num_cgocall() - calls_before > 3 ? "yes" : "no");
  cgosan_handle_delete(handle);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:rows: carol6 bob2 alice4
// STDOUT-NEXT:callbacks outside managed code: 0
// STDOUT-NEXT:sqlite3 calls from the callbacks were checked: yes
// CHECK-NOT:{{.}}
