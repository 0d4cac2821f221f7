// sqlite3_rebind_unpin_unslotted.c — what sqlite3_rebind_unpin.c got before
// sqlite3.ini's `retains` lines had `slot 1 if result == 0` and the other
// binds `rebinds = 1`: the same program under an interposer made from
// sqlite3.ini without them reports each of its four legal unpins as
// "unpinned while still retained" (halt_on_error=0 shows all four). Kept as
// the proof that the clauses are what makes its twin silent.
//
// PREP: sed 's/ slot 1 if result == 0$//; /^rebinds = /d' %S/../../interceptors/gen/annotations/sqlite3.ini >%w/unslotted.ini
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 --annotations %w/unslotted.ini -o %w/sqlite3-unslotted.so -q
// RUN-UNDER: cgosan-run --interpose %w/sqlite3-unslotted.so --
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// LIBS: -lsqlite3
// EXIT: 66
#include "sqlite3_rebind.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in rebind_and_unpin {{.*}}/sqlite3_rebind.h:33:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}sqlite3_rebind.h:33:3 in rebind_and_unpin
// CHECK:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in rebind_and_unpin {{.*}}/sqlite3_rebind.h:38:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}sqlite3_rebind.h:38:3 in rebind_and_unpin
// CHECK:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in rebind_and_unpin {{.*}}/sqlite3_rebind.h:40:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}sqlite3_rebind.h:40:3 in rebind_and_unpin
// CHECK:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in rebind_and_unpin {{.*}}/sqlite3_rebind.h:43:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}sqlite3_rebind.h:43:3 in rebind_and_unpin
// STDOUT:bind of parameter 5: SQLITE_RANGE
// STDOUT-NEXT:names: 2

int main(void) {
  return cgosan_run(rebind_main, NULL);
}
