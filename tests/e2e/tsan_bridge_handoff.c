// tsan_bridge_handoff.c — foreign code for the tsan_bridge_* tests, built
// WITHOUT -fsanitize=thread: a handoff neither TSan nor cgosan can see (an
// atomic flag in uninstrumented code), like a C library's own signalling.
#include <stdatomic.h>

static atomic_int ready;

void foreign_signal(void) {
  atomic_store_explicit(&ready, 1, memory_order_release);
}

void foreign_wait(void) {
  while (!atomic_load_explicit(&ready, memory_order_acquire)) {
  }
}
