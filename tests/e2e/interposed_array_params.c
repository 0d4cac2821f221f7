// interposed_array_params.c — rule 1 on parameters declared as arrays
// (interposed/arrays.h), which C passes as pointers to their first element.
// The interposer checks `const struct link links[3]`, `links[]` and
// `char *argv[]` as it checks any pointer whose pointee holds a pointer:
// the whole object it points into. A managed array
// whose last link points to an unpinned managed link, and a managed argv
// holding an unpinned managed string, are reported; the same array with
// no pointer in it passes.
//
// SHARED-LIB: interposed/arrays.c
// PREP: cgosan-gen %S/interposed/arrays.h --lib %w/libarrays.so -o %w/arrays-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/arrays-interposer.so --
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <arrays.h>
#include <stdio.h>
#include <string.h>

static const uint8_t kLinkMask[] = {0x01};
static const cgosan_type kLinkType = {"struct link", sizeof(struct link), 8, kLinkMask, 0};
static const uint8_t kStringsMask[] = {0x03};
static const cgosan_type kStringsType = {"char *[2]", 2 * sizeof(char *), 16, kStringsMask, 0};
static const cgosan_type kTextType = {"char[8]", 8, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  struct link *links = cgosan_new_array(&kLinkType, 3);
  links[0].value = 1, links[1].value = 2, links[2].value = 3;
  fprintf(stderr, "sums: %d %d\n", arrays_sum3(links), arrays_sum(links, 3));
  // CHECK:sums: 6 6
  links[2].next = cgosan_new(&kLinkType);  // BUG: the library gets it unpinned
  arrays_sum3(links);
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of arrays_sum3 has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_array_params.c:[[#SUM3:@LINE-3]]:3
  // CHECK:  object 0x[[LINKS:[0-9a-f]+]] of type 'struct link[3]' (48 bytes), element 2, field at offset 0 in it (offset 32)
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'struct link' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_array_params.c:[[#SUM3]]:3 in managed_main
  arrays_sum(links, 3);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of arrays_sum has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_array_params.c:[[#SUM:@LINE-3]]:3
  // CHECK:  object 0x[[LINKS]] of type 'struct link[3]' (48 bytes), element 2, field at offset 0 in it (offset 32)
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_array_params.c:[[#SUM]]:3 in managed_main

  char **argv = cgosan_new(&kStringsType);
  argv[0] = "foreign";
  argv[1] = cgosan_new(&kTextType);  // BUG: the library gets it unpinned
  strcpy(argv[1], "managed");
  fprintf(stderr, "total length: %d\n", arrays_total_length(2, argv));
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 1 of arrays_total_length has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_array_params.c:[[#ARGV:@LINE-3]]:{{[0-9]+}}
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'char *[2]' (16 bytes), field at offset 8
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[8]' (8 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_array_params.c:[[#ARGV]]:{{[0-9]+}} in managed_main
  // CHECK-NEXT:total length: 14
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
