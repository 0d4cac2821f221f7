// ir_stack_locals.c — a plain `&local` is checked as the local's own type
// (it lives on the G stack, where the runtime has no object to look at),
// when something wrote the local before the call on every path: earlier in
// the call's block, or in the entry block. An out-parameter nothing wrote
// holds stale stack words, not a value of the program: untyped (the
// runtime checks nothing on a stack then). A local without pointers is not
// checked at all.
//
// FLAGS: -mllvm -cgosan-foreign=lib_*
struct row { long id; char *name; };
void lib_use(const void *p);
void lib_fill(struct row *out);
void init_row(struct row *r);

void locals(char *name, int flag) {
  struct row entry;
  entry.name = name;  // in the entry block
  struct row r = {1, name};
  lib_use(&r);        // initialized: struct row
  long n = 3;
  lib_use(&n);        // no pointer: nothing
  struct row out;
  lib_fill(&out);     // an out-parameter: untyped
  struct row later;
  if (flag) {
    init_row(&later);
    lib_use(&later);  // written before, in the block: struct row
  }
  if (flag)
    lib_use(&entry);  // another block: struct row
}
// CHECK-DAG: @"__cgosan_type.struct row" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 16, i64 16, ptr @[[MASK:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK]] = private unnamed_addr constant [1 x i8] c"\02"
// CHECK-LABEL: define {{.*}}void @locals(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.struct row", ptr {{(nonnull )?}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr null, ptr {{(nonnull )?}}@__cgosan_callee.lib_fill, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.struct row", ptr {{(nonnull )?}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: call void @cgosan_check_arg(ptr {{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.struct row", ptr {{(nonnull )?}}@__cgosan_callee.lib_use, i32 0)
// CHECK-NOT: call void @cgosan_check_arg(
// CHECK: ret void
