// uv_ip4_addr_race.c — a real race through libuv, the twin of
// uv_async_send_threads.c: two Gs, each on its own thread, have
// uv_ip4_addr fill the same managed sockaddr_in, with nothing ordering the
// two calls. uv_ip4_addr is not thread-safe for one output (uv.ini leaves it
// alone), so each call records a write of the struct (its default: a
// `struct sockaddr_in *`), and race=precise reports the pair, each access
// with the managed frames that made the call. Built with -O2, where resolve
// tail-calls uv_ip4_addr and leaves no frame: the stacks still name it, as
// the function cgosan_run called (rtl/entry_frames.h). uv_thread_race.c: the
// same through callbacks libuv's threads make.
//
// RUN-UNDER: cgosan-run --lib uv --
// CFLAGS: -O2
// LIBS: -luv
// ENV: CGOSAN_OPTIONS=race=precise
// EXIT: 66
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <uv.h>

static const cgosan_type kAddrType = {"struct sockaddr_in", sizeof(struct sockaddr_in), 0,
                                      NULL, 0};
static struct sockaddr_in *addr;  // managed, shared by the two Gs

static void resolve(void *ip) {
  uv_ip4_addr(ip, 8080, addr);
}

static void *run_resolver(void *ip) {
  cgosan_run(resolve, ip);
  return NULL;
}

int main(void) {
  addr = cgosan_new(&kAddrType);
  pthread_t resolvers[2];
  pthread_create(&resolvers[0], NULL, run_resolver, "127.0.0.1");
  pthread_create(&resolvers[1], NULL, run_resolver, "10.0.0.1");
  for (int i = 0; i < 2; i++)
    pthread_join(resolvers[i], NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 16 at 0x[[ADDR:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code, in the call to uv_ip4_addr from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in resolve {{.*}}/uv_ip4_addr_race.c:[[#RESOLVE:@LINE-20]]
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_resolver {{.*}}/uv_ip4_addr_race.c:[[#@LINE-17]]:3
// CHECK:  0x[[ADDR]] is object of type 'struct sockaddr_in' (16 bytes)
// CHECK-NEXT:  Previous write of size 16 at 0x[[ADDR]] by thread T{{[0-9]+}} (foreign code, in the call to uv_ip4_addr from G {{[0-9]+}}):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in resolve {{.*}}/uv_ip4_addr_race.c:[[#RESOLVE]]
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_resolver {{.*}}/uv_ip4_addr_race.c:{{[0-9]+}}:3
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/uv_ip4_addr_race.c:[[#RESOLVE]] in resolve
