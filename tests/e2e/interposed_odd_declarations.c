// interposed_odd_declarations.c — an interposer made from a header declared
// the unusual ways C allows (interposed/oddity.h): a const result, a const
// function-pointer parameter, `[static 2]` and variable-length array
// parameters, an __asm__ label. Each function is interposed (every call is a
// checked cgocall, the callback runs as managed code, the renamed function is
// caught under its label), and the `[static 2]` array is checked as the two
// links it is: an unpinned managed pointer in the second is reported.
//
// SHARED-LIB: interposed/oddity.c
// PREP: cgosan-gen %S/interposed/oddity.h --lib %w/liboddity.so -o %w/oddity-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/oddity-interposer.so --
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <oddity.h>
#include <stdio.h>

static const uint8_t kLinkMask[] = {0x01};
static const cgosan_type kLinkType = {"struct oddity_link", sizeof(struct oddity_link), 8,
                                      kLinkMask, 0};
static const cgosan_type kIntsType = {"int[3]", 3 * sizeof(int), 0, NULL, 0};

static void on_item(int x, void *ud) {
  *(int *)ud = x * 10 + cgosan_in_managed();
}

static void managed_main(void *arg) {
  (void)arg;
  int64_t calls_before = cgosan_num_cgocall();
  int seen = 0;
  struct oddity_link *links = cgosan_new_array(&kLinkType, 2);
  links[0].value = 3, links[1].value = 4;
  int *values = cgosan_new(&kIntsType);
  values[0] = 1, values[1] = 2, values[2] = 3;
  printf("const result %d, callback %d saw %d, static array %d, vla %d, renamed %d\n",
         oddity_const_result(1), oddity_const_callback(on_item, &seen, 7), seen,
         oddity_static_array(links), oddity_vla(3, values), oddity_renamed(21));
  printf("checked calls: %lld\n", (long long)(cgosan_num_cgocall() - calls_before));
  links[1].next = cgosan_new(&kLinkType);  // BUG: the library gets it unpinned
  oddity_static_array(links);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of oddity_static_array has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_odd_declarations.c:[[#STATIC:@LINE-3]]:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'struct oddity_link[2]' (32 bytes), element 1, field at offset 0 in it (offset 16)
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'struct oddity_link' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_odd_declarations.c:[[#STATIC]]:3 in managed_main
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:const result 2, callback 7 saw 71, static array 7, vla 6, renamed 42
// STDOUT-NEXT:checked calls: 5
