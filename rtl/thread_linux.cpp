// thread_linux.cpp — the OS side of Ms and Gs: G stacks in their slots,
// the signal stack each M runs its SIGSEGV handler on, and the thread-exit
// hook that returns an M to the pool.
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include "rtl.h"
#include "sanitizer_common/sanitizer_libc.h"
#include "sanitizer_common/sanitizer_linux.h"

namespace __cgosan {

static constexpr uptr kAltStackSize = 64 << 10;
static pthread_key_t thread_exit_key;

bool MapGStack(uptr base, uptr size) {
  // The slot is reserved with no access (gstack.cpp): its lowest page stays
  // so, as the guard; an overflow faults there, and the SIGSEGV handler
  // reports stack-overflow instead of letting it run into other memory.
  // mprotect, not a MAP_FIXED mmap: a failure leaves the reservation whole.
  uptr page = GetPageSizeCached();
  return MprotectReadWrite(base + page, size - page);
}

void UnmapGStack(uptr base, uptr size) {
  uptr page = GetPageSizeCached();
  ReleaseMemoryPagesToOS(base + page, base + size);
  CHECK(MprotectNoAccess(base + page, size - page));
}

// A stack-overflow report runs on a signal stack. A thread that already has
// one (set by the program or another runtime) keeps it: the common case, no
// signal stack yet, costs one system call, the other case two.
void InstallAltStack(M *m) {
  if (!m->altstack)
    m->altstack = reinterpret_cast<uptr>(
        MmapOrDie(kAltStackSize, "cgosan signal stack"));
  stack_t ss = {};
  ss.ss_sp = reinterpret_cast<void *>(m->altstack);
  ss.ss_size = kAltStackSize;
  stack_t old = {};
  m->altstack_installed = internal_sigaltstack(&ss, &old) == 0;
  if (m->altstack_installed && !(old.ss_flags & SS_DISABLE)) {
    internal_sigaltstack(&old, nullptr);
    m->altstack_installed = false;
  }
}

void RemoveAltStack(M *m) {
  if (!m->altstack_installed)
    return;
  stack_t ss = {};
  ss.ss_flags = SS_DISABLE;
  internal_sigaltstack(&ss, nullptr);
  m->altstack_installed = false;
}

static void OnThreadExit(void *arg) { ReleaseM(static_cast<M *>(arg)); }

void InitializeThreadExitHook() {
  CHECK_EQ(pthread_key_create(&thread_exit_key, OnThreadExit), 0);
}

void BindMToThread(M *m) {
  CHECK_EQ(pthread_setspecific(thread_exit_key, m), 0);
}

}  // namespace __cgosan
