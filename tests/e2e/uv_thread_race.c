// uv_thread_race.c — uv_ip4_addr_race.c with the two Gs made by libuv: two
// threads started with uv_thread_create run a managed entry function (a
// callback, entered through the interposer's closure and invoker) that
// tail-calls uv_ip4_addr (-O2) on one managed sockaddr_in. The race is
// reported, and each stack names the entry function, whose frame the tail
// call removed: the invoker told the runtime which function it called.
//
// RUN-UNDER: cgosan-run --lib uv --
// CFLAGS: -O2
// LIBS: -luv
// ENV: CGOSAN_OPTIONS=race=precise
// EXIT: 66
#include <cgosan/cgosan.h>
#include <uv.h>

static const cgosan_type kAddrType = {"struct sockaddr_in", sizeof(struct sockaddr_in), 0,
                                      NULL, 0};
static struct sockaddr_in *addr;  // managed, shared by the two Gs

static void resolve_on_uv_thread(void *ip) {
  uv_ip4_addr(ip, 8080, addr);
}

static void managed_main(void *arg) {
  (void)arg;
  addr = cgosan_new(&kAddrType);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, addr);
  uv_thread_t threads[2];
  uv_thread_create(&threads[0], resolve_on_uv_thread, "127.0.0.1");
  uv_thread_create(&threads[1], resolve_on_uv_thread, "10.0.0.1");
  for (int i = 0; i < 2; i++)
    uv_thread_join(&threads[i]);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 16 at 0x[[ADDR:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code, in the call to uv_ip4_addr from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in resolve_on_uv_thread {{.*}}/uv_thread_race.c:[[#ENTRY:@LINE-23]]
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocallback {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK:  0x[[ADDR]] is object of type 'struct sockaddr_in' (16 bytes)
// CHECK-NEXT:  Previous write of size 16 at 0x[[ADDR]] by thread T{{[0-9]+}} (foreign code, in the call to uv_ip4_addr from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in resolve_on_uv_thread {{.*}}/uv_thread_race.c:[[#ENTRY]]
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocallback {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/uv_thread_race.c:[[#ENTRY]] in resolve_on_uv_thread
