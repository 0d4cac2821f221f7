// ir_check_stores.c — -cgosan-check-stores (cgocheck=2): a check before each
// store of a pointer value and each memcpy/memmove that may reach memory
// outside the function's own frame, at the store's debug location; none for
// stores into locals whose address never escapes, stores of constants,
// copies from constant globals, or copies shorter than a pointer.
//
// FLAGS: -mllvm -cgosan-check-stores
#include <string.h>

struct node { struct node *next; void *data; };
static const struct node kEmpty = {0};
void *global_slot;
void keep(struct node *n);

void link_nodes(struct node *a, struct node *b, void *data) {
  struct node local = {0};   // escapes through keep()
  void *scratch = data;      // never escapes
  local.next = a;
  a->next = b;
  global_slot = scratch;
  b->data = NULL;
  memcpy(b, a, sizeof *a);
  memcpy(a, &local, 4);
  *b = kEmpty;
  keep(&local);
}
// CHECK-LABEL: define {{.*}} @link_nodes(
// At -O0 `scratch` is a stack slot that never escapes: no check.
// O0: store ptr %{{.+}}, ptr %[[SCRATCH:.+]], align 8, !dbg
// O0-NOT: call void @cgosan_check_store(ptr %[[SCRATCH]],
// CHECK: call void @cgosan_check_store(ptr {{(nonnull )?}}%{{.+}}, ptr %{{.+}}){{( #[0-9]+)?}}, !dbg ![[LOCAL_NEXT:[0-9]+]]
// CHECK: call void @cgosan_check_store(ptr %{{.+}}, ptr %{{.+}}){{( #[0-9]+)?}}, !dbg ![[A_NEXT:[0-9]+]]
// CHECK: call void @cgosan_check_store(ptr {{(nonnull )?}}@global_slot, ptr %{{.+}}){{( #[0-9]+)?}}, !dbg ![[GLOBAL:[0-9]+]]
// CHECK-NOT: call void @cgosan_check_store
// CHECK: call void @cgosan_check_memmove(ptr {{.*}}%{{.+}}, ptr {{.*}}%{{.+}}, i64 16){{( #[0-9]+)?}}, !dbg ![[COPY:[0-9]+]]
// CHECK-NOT: @cgosan_check_
// CHECK: ret void
// CHECK-DAG: ![[LOCAL_NEXT]] = !DILocation(line: 18, column: 14,
// CHECK-DAG: ![[A_NEXT]] = !DILocation(line: 19, column: 11,
// CHECK-DAG: ![[GLOBAL]] = !DILocation(line: 20, column: 15,
// CHECK-DAG: ![[COPY]] = !DILocation(line: 22, column: 3,
