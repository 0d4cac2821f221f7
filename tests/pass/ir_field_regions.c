// ir_field_regions.c — the call site picks what cgosan_check_arg checks, as
// cmd/cgo's checkAddr and checkIndex do: the address of a field is checked
// as that field (its type, a cgosan_type the module carries), an element of
// an array as the whole array (from its start), and a field or array with
// no pointer in it not at all (it is only lent to the call, cgosan_lend);
// any other pointer (the struct itself,
// pointer arithmetic on a plain pointer, a cast to bytes) as the whole
// object, with a NULL type, and so is a flexible array member that holds
// pointers (it runs to the object's end, which only the runtime knows; one
// of bytes holds none).
//
// FLAGS: -mllvm -cgosan-foreign=lib_*
struct rec { char name[32]; char *other; long n; };
struct inner { long a; char *p; };
struct outer { long x; struct inner in; struct inner arr[4]; char *ptrs[4]; };
void lib_text(const char *text);
void lib_use(const void *p);
struct list { long n; struct inner items[]; };
struct old_list { long n; struct inner items[1]; };
struct msg { struct msg *next; long len; char data[]; };

void regions(struct rec *r, struct outer *o, int i, char **pp) {
  lib_text(r->name);                      // char[32]: nothing to check
  lib_text(&r->name[i]);                  // the array name: nothing
  lib_text(r->name + i);                  // still inside name: nothing
  lib_use(&r->n);                         // a long: nothing
  lib_use(&r->other);                     // the field: one pointer
  lib_use(&o->in);                        // the field: struct inner
  lib_use(&o->arr[i]);                    // the whole array arr
  lib_use(&o->arr[2].p);                  // the field p of element 2
  lib_use(&o->ptrs[i]);                   // the whole array ptrs
  lib_use(&((struct inner *)r->name)->p); // a cast, then a field: that field
  lib_use(r);                             // the whole object
  lib_use(pp + i);                        // arithmetic on a pointer: whole
  lib_use((char *)r + 8);                 // bytes of r: whole
}
// The types: name, size, ptrdata, ptrmask, flags.
// CHECK-DAG: @"__cgosan_type.void *" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @"__cgosan_type_name.void *", i64 8, i64 8, ptr @[[MASK1:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK1]] = private unnamed_addr constant [1 x i8] c"\01"
// CHECK-DAG: @"__cgosan_type.struct inner" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 16, i64 16, ptr @[[MASK2:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK2]] = private unnamed_addr constant [1 x i8] c"\02"
// Four elements of 16 bytes, the pointer the second word of each: words 1, 3, 5, 7.
// CHECK-DAG: @"__cgosan_type.struct inner[4]" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 64, i64 64, ptr @[[MASK3:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK3]] = private unnamed_addr constant [1 x i8] c"\AA"
// CHECK-DAG: @"__cgosan_type.void *[4]" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 32, i64 32, ptr @[[MASK4:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK4]] = private unnamed_addr constant [1 x i8] c"\0F"
// CHECK-DAG: @"__cgosan_type_name.struct inner[4]" = private unnamed_addr constant [16 x i8] c"struct inner[4]\00"
// CHECK-LABEL: define {{.*}} @regions(
// CHECK-NOT: call void @cgosan_check_arg(
// Nothing checked, but the object is handed to the call (retention=full).
// CHECK: call void @cgosan_lend(ptr {{[^,]+}}, ptr {{.*}}@__cgosan_callee.lib_text, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_lend(ptr {{[^,]+}}, ptr {{.*}}@__cgosan_callee.lib_text, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_lend(ptr {{[^,]+}}, ptr {{.*}}@__cgosan_callee.lib_text, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_lend(ptr {{[^,]+}}, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *", ptr {{(nonnull )?}}@__cgosan_callee.lib_use, i32 0){{.*}}, !dbg ![[OTHER_LOC:[0-9]+]]
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.struct inner", ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// The whole array, from its start: the field's address, not the element's.
// O0: %[[ARR:[0-9]+]] = getelementptr inbounds %struct.outer, ptr %{{[0-9]+}}, i32 0, i32 2
// O2: %[[ARR:[0-9]+]] = getelementptr inbounds i8, ptr %1, i64 24
// CHECK-NOT: @cgosan_check_arg
// CHECK: call void @cgosan_check_arg(ptr {{(nonnull )?}}%[[ARR]], ptr {{(nonnull )?}}@"__cgosan_type.struct inner[4]",
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *",
// O0: %[[PTRS:[0-9]+]] = getelementptr inbounds %struct.outer, ptr %{{[0-9]+}}, i32 0, i32 3
// O2: %[[PTRS:[0-9]+]] = getelementptr inbounds i8, ptr %1, i64 88
// CHECK-NOT: @cgosan_check_arg
// CHECK: call void @cgosan_check_arg(ptr {{(nonnull )?}}%[[PTRS]], ptr {{(nonnull )?}}@"__cgosan_type.void *[4]",
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *",
// CHECK: call void @cgosan_check_arg(ptr %{{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK: call void @cgosan_check_arg(ptr %{{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: ret void


void flexible(struct list *l, struct old_list *ol, int i, struct msg *m) {
  lib_use(l->items);       // the whole object
  lib_use(&l->items[i]);   // the whole object
  lib_use(ol->items);      // the whole object (the older items[1])
  lib_use(&l->items[i].p); // a field of one element: that field
  lib_text(m->data);       // bytes to the end: nothing to check
}
// CHECK-LABEL: define {{.*}} @flexible(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr null, ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *", ptr {{.*}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// Lent only when the runtime lends (retention=guard or full): an inline test.
// CHECK: load i8, ptr @__cgosan_lending
// CHECK-NEXT: icmp
// CHECK-NEXT: br i1
// CHECK: call void @cgosan_lend(ptr {{[^,]+}}, ptr {{.*}}@__cgosan_callee.lib_text, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: ret void
// CHECK-DAG: ![[OTHER_LOC]] = !DILocation(line: 27, column: 3,
