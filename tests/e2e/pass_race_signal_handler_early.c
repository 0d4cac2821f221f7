// pass_race_signal_handler_early.c — pass_race_signal_handler.c with the
// library's bug: it sends SIGUSR1 before it stores. The handler waits until
// the store is done in time (race_lib_wait_unseen: no edge the checker can
// see) and reads it. The kill orders only what the library did before it,
// so the read in the handler and the store race: reported, with the
// handler's stack down through the signal frame to the wait it interrupted.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#define SIGNAL_FIRST 1
#include "pass_race_signal_handler.c"
// STDOUT:seen 42
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 4 at 0x[[SLOT:[0-9a-f]+]] by thread T[[MAIN:[0-9]+]] (foreign code, in the call to race_lib_wait from G [[G:[0-9]+]]):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in read_in_handler {{.*}}/pass_race_signal_handler.c:31:10
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in on_signal {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in race_lib_wait {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_signal_handler.c:45:3
// CHECK:  0x[[SLOT]] is object of type 'int' (4 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[SLOT]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_int {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK:  0x[[SLOT]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_signal_handler.c:36:10
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_signal_handler.c:31:10 in read_in_handler
// CHECK-NOT:{{.}}
