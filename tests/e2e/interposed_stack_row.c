// interposed_stack_row.c — G stacks are managed memory, through an
// interposer: a `struct row` kept on the G stack is checked with the type the
// header gives `const struct row *`, as a managed object would be. A stack
// row whose name is an unpinned managed string is reported, naming the frame
// that holds the row; the same row naming a pinned string, a C string, or a
// string in a frame the call keeps (the caller's) passes. A callback (through the interposer's closure) that returns a row
// of its own frame is reported whatever the row holds: the frame is gone
// when the library reads it (and by the time the closure checks the result,
// so the report says so rather than naming a function); one returning a row
// of the managed frame that called the library, which outlives the
// callback, passes.
//
// SHARED-LIB: interposed/rows.c
// PREP: cgosan-gen %S/interposed/rows.h --lib %w/librows.so -o %w/rows-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/rows-interposer.so --
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <rows.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kNameType = {"char[16]", 16, 0, NULL, 0};

static const struct row *own_row(void *ud) {
  (void)ud;
  struct row row = {2, "foreign"};
  const struct row *volatile result = &row;
  return result;  // BUG: the frame ends as the callback returns
}

static const struct row *outer_row(void *ud) { return ud; }

static void managed_main(void *arg) {
  (void)arg;
  char *name = cgosan_new(&kNameType);
  strcpy(name, "managed");
  struct row row = {1, "foreign"};
  fprintf(stderr, "C string: %ld\n", rows_name_length(&row));
  // CHECK:C string: 7
  char local_name[8] = "stack";
  struct row local_row = {3, local_name};
  fprintf(stderr, "this frame's string: %ld\n", rows_name_length(&local_row));
  // CHECK-NEXT:this frame's string: 5
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);
  row.name = name;
  fprintf(stderr, "pinned: %ld\n", rows_name_length(&row));
  // CHECK-NEXT:pinned: 7
  fprintf(stderr, "outer frame: %ld\n", rows_made_name_length(outer_row, &row));
  // CHECK-NEXT:outer frame: 7
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);

  rows_name_length(&row);  // BUG: the library gets the string unpinned
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of rows_name_length has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_stack_row.c:[[#ARG:@LINE-3]]:3
  // CHECK:  0x{{[0-9a-f]+}} in G [[G:[0-9]+]]'s stack, frame of managed_main, of type 'struct row' (16 bytes), field at offset 8
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[16]' (16 bytes), not pinned
  // CHECK-NEXT:  0x{{[0-9a-f]+}} was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_stack_row.c:[[#@LINE-26]]:16
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_stack_row.c:[[#ARG]]:3 in managed_main

  rows_made_name_length(own_row, NULL);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-result
  // CHECK-NEXT:result of callback make of rows_made_name_length points into the callback's own stack, which dangles once it returns
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in rows_made_name_length {{.*}}/interposed/rows.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_stack_row.c:[[#RES:@LINE-5]]:3
  // CHECK:  0x{{[0-9a-f]+}} is in G [[G]]'s stack, in a frame that has returned
  // CHECK-NEXT:SUMMARY: CgoSanitizer: unpinned-pointer-in-result {{.*}}/interposed/rows.c:{{[0-9]+}}:{{[0-9]+}} in rows_made_name_length
  // CHECK-NOT:ERROR
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
