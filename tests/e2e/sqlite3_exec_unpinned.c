// sqlite3_exec_unpinned.c — a managed callback's user_data must not carry
// unpinned managed pointers: the program hands sqlite3_exec its managed
// accumulator, which points to a managed array of names. sqlite3_exec's
// argument 3 (void *: the whole object) is checked before the call and
// reported. sqlite3_callbacks.c is the fixed twin (the callback gets a handle).
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// EXIT: 66
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdint.h>

struct names {
  char **items;  // a managed array
  int64_t count;
};
static const uint8_t kNamesMask[] = {0x01};
static const cgosan_type kNamesType = {"struct names", sizeof(struct names), 8, kNamesMask, 0};
static const uint8_t kItemMask[] = {0x01};
static const cgosan_type kItemType = {"char *", sizeof(char *), 8, kItemMask, 0};

static int collect(void *ud, int ncols, char **values, char **columns) {
  (void)ud; (void)ncols; (void)values; (void)columns;
  return 0;
}

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  struct names *acc = cgosan_new(&kNamesType);
  acc->items = cgosan_new_array(&kItemType, 8);
  sqlite3_exec(db, "SELECT 'a' UNION SELECT 'b'", collect, acc, NULL);  // BUG
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 3 of sqlite3_exec has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_exec_unpinned.c:[[#EXEC:@LINE-3]]:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'struct names' (16 bytes), field at offset 0
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char *[8]' (64 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/sqlite3_exec_unpinned.c:[[#EXEC]]:3 in managed_main
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
