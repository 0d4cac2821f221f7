// ir_check_copies.c — -cgosan-check-stores checks a copy with the copied
// type's pointer map, as Go's typed copies do: cgosan_check_memmove_typed
// with a cgosan_type the module carries, found from the local or global the
// copy reads (a struct assigned from a local, a pointer memcpy'd from one),
// the one it writes, the GEP that computes either, or clang's !tbaa.struct
// (-O2 only). A copy from a local with no pointer in it is not checked; a
// copy whose type is unknown keeps the untyped cgosan_check_memmove.
//
// FLAGS: -mllvm -cgosan-check-stores
#include <string.h>

struct row { long id; char *data; };
struct blob { char bytes[16]; };
struct holder { long tag; struct row row; };
struct row template_row;  // a global, written elsewhere

void copies(struct row *dst, const struct row *src, char *p, char **slot,
            struct blob *out, struct holder *h, unsigned long k) {
  struct row local = {1, p};
  *dst = local;                            // the local's type: struct row
  memcpy(slot, &p, sizeof p);              // p's slot: one pointer
  memcpy(slot, &local.data, sizeof p);     // a field of the local
  struct blob bytes = {{0}};
  *out = bytes;                            // no pointer in it: no check
  memcpy(&h->row, src, sizeof h->row);     // the destination's field type
  *dst = *src;                             // untyped at -O0, !tbaa.struct at -O2
  char *ptrs[4] = {p, p, p, p};
  memcpy(slot, ptrs, k * sizeof *ptrs);    // any length within the local
  *dst = template_row;                     // the global's type
}
// CHECK-DAG: @"__cgosan_type.struct row" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 16, i64 16, ptr @[[MASK1:"[^"]+"]], i32 0 }
// CHECK-DAG: @[[MASK1]] = private unnamed_addr constant [1 x i8] c"\02"
// CHECK-DAG: @"__cgosan_type.struct row (bytes 8 to 16)" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 8, i64 8, ptr @{{.+}}, i32 0 }
// CHECK-DAG: @"__cgosan_type.void *[4]" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 32, i64 32, ptr @{{.+}}, i32 0 }
// O2-DAG: @"__cgosan_type.struct (16 bytes)" = private unnamed_addr constant { ptr, i64, i64, ptr, i32 } { ptr @{{.+}}, i64 16, i64 16, ptr @{{.+}}, i32 0 }
// CHECK-LABEL: define {{.*}} @copies(
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 16, ptr {{(nonnull )?}}@"__cgosan_type.struct row"){{.*}}, !dbg ![[ASSIGN:[0-9]+]]
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 8, ptr {{(nonnull )?}}@"__cgosan_type.void *"){{.*}}, !dbg ![[POINTER:[0-9]+]]
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 8, ptr {{(nonnull )?}}@"__cgosan_type.struct row (bytes 8 to 16)")
// CHECK-NOT: @cgosan_check_memmove
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 16, ptr {{(nonnull )?}}@"__cgosan_type.struct row")
// O0: call void @cgosan_check_memmove(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 16)
// O2: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 16, ptr {{(nonnull )?}}@"__cgosan_type.struct (16 bytes)")
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{[^,]+}}, i64 %{{[^,]+}}, ptr {{(nonnull )?}}@"__cgosan_type.void *[4]")
// CHECK: call void @cgosan_check_memmove_typed(ptr {{[^,]+}}, ptr {{(nonnull )?}}@template_row, i64 16, ptr {{(nonnull )?}}@"__cgosan_type.struct row")
// CHECK-NOT: @cgosan_check_memmove
// CHECK: ret void

// CHECK-DAG: ![[ASSIGN]] = !DILocation(line: 20, column: 10,
// CHECK-DAG: ![[POINTER]] = !DILocation(line: 21, column: 3,
