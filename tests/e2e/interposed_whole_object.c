// interposed_whole_object.c — rule 1 through an interposer, for parameters
// whose type reaches a pointer (interposed/objects.h). A wrapper sees the
// argument's value, not the expression that made it, so it checks what
// cmd/cgo checks for a pointer variable passed to C: the whole managed
// object it points into (cgoCheckUnknownPointer), not just the element or
// struct its type names. Reported: a managed array of four item pointers
// whose first is pinned and the rest not, passed as `struct item **`; the
// second bag of a managed array of two, whose first bag holds an unpinned
// item, passed as `const struct bag *` and as `const void *`. Not checked:
// a `const char *` into a managed record that also holds an unpinned item
// (cgo checks no pointer whose pointee holds no pointer). Then everything is
// pinned and the same calls are silent.
//
// SHARED-LIB: interposed/objects.c
// PREP: cgosan-gen %S/interposed/objects.h --lib %w/libobjects.so -o %w/objects-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/objects-interposer.so --
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <objects.h>
#include <stdio.h>
#include <string.h>

static const uint8_t kFirstWordMask[] = {0x01};
static const cgosan_type kItemType = {"struct item", sizeof(struct item), 8, kFirstWordMask, 0};
static const cgosan_type kItemPointerType = {"struct item *", sizeof(struct item *), 8,
                                             kFirstWordMask, 0};
static const cgosan_type kBagType = {"struct bag", sizeof(struct bag), 8, kFirstWordMask, 0};
struct record {
  struct item *item;
  char name[16];
};
static const cgosan_type kRecordType = {"struct record", sizeof(struct record), 8,
                                        kFirstWordMask, 0};

static void managed_main(void *arg) {
  (void)arg;
  cgosan_pinner *pinner = cgosan_pinner_new();
  struct item **items = cgosan_new_array(&kItemPointerType, 4);
  for (int i = 0; i < 4; i++) {
    items[i] = cgosan_new(&kItemType);
    items[i]->value = i + 1;
  }
  cgosan_pin(pinner, items[0]);  // BUG: items[1..3] are not pinned
  long sum = objects_sum(items, 4);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of objects_sum has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_whole_object.c:[[#SUM:@LINE-3]]:14
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'struct item *[4]' (32 bytes), element 1 (offset 8)
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'struct item' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_whole_object.c:[[#SUM]]:14 in managed_main

  struct bag *bags = cgosan_new_array(&kBagType, 2);
  bags[0].first = cgosan_new(&kItemType);  // BUG: not pinned
  struct bag *second = &bags[1];
  long bag_sum = objects_bag_sum(second);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of objects_bag_sum has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_whole_object.c:[[#BAG:@LINE-3]]:18
  // CHECK:  object 0x[[BAGS:[0-9a-f]+]] of type 'struct bag[2]' (32 bytes), element 0, field at offset 0 in it (offset 0)
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'struct item' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_whole_object.c:[[#BAG]]:18 in managed_main
  long checksum = objects_checksum(second, sizeof *second);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of objects_checksum has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/interposed_whole_object.c:[[#CHECKSUM:@LINE-3]]:19
  // CHECK:  object 0x[[BAGS]] of type 'struct bag[2]' (32 bytes), element 0, field at offset 0 in it (offset 0)
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/interposed_whole_object.c:[[#CHECKSUM]]:19 in managed_main

  struct record *record = cgosan_new(&kRecordType);
  record->item = cgosan_new(&kItemType);  // not pinned, but not what is passed
  strcpy(record->name, "widget");
  fprintf(stderr, "sum %ld, bag %ld, checksum %ld, length %ld\n", sum, bag_sum, checksum,
          objects_length(record->name));
  // CHECK-NEXT:sum 10, bag 0, checksum 0, length 6

  for (int i = 1; i < 4; i++)
    cgosan_pin(pinner, items[i]);
  cgosan_pin(pinner, bags[0].first);
  fprintf(stderr, "pinned: sum %ld, bag %ld, checksum %ld\n", objects_sum(items, 4),
          objects_bag_sum(second), objects_checksum(second, sizeof *second));
  // CHECK-NEXT:pinned: sum 10, bag 0, checksum 0
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
