// symbolize_off.c — CGOSAN_OPTIONS=symbolize=0 prints the report unsymbolized,
// as ASan does: each frame is its module and offset, and the SUMMARY line
// names the first one. The runtime's own frames (in libcgosan.so) are not
// shown on top. (It used to crash on every report.)
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=symbolize=0
#include <cgosan/cgosan.h>

int main(void) {
  cgosan_handle_value(0);
  return 0;
}
// CHECK:==[[RUNPID]]==ERROR: CgoSanitizer: invalid-handle
// CHECK-NEXT:cgosan_handle_value called with handle 0, which is never issued (the zero value of a handle)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}}  ({{.*}}/symbolize_off+0x{{[0-9a-f]+}}){{( \(BuildId: [0-9a-f]+\))?}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}}  ({{.*}}libc.so.6+0x{{[0-9a-f]+}}){{.*}}
// CHECK:SUMMARY: CgoSanitizer: invalid-handle ({{.*}}/symbolize_off+0x{{[0-9a-f]+}}){{( \(BuildId: [0-9a-f]+\))?}}
// CHECK-NOT:{{.}}
