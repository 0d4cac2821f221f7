// retention_linux.cpp — the OS side of retention=full's watch: page
// protection and what a fault's context says about the access (write or
// read, from the error code; its size, from the instruction at the PC).
#include <signal.h>
#include <sys/single_threaded.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "retention.h"
#include "sanitizer_common/sanitizer_posix.h"

namespace __cgosan {

void ProtectPages(uptr start, uptr size, bool no_access) {
  int prot = no_access ? PROT_NONE : PROT_READ | PROT_WRITE;
  CHECK_EQ(internal_mprotect(reinterpret_cast<void *>(start), size, prot), 0);
}

bool SetPagesApart(uptr start, uptr size, PagesApart how) {
  static const int kAdvice[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL};
  return internal_madvise(start, size, kAdvice[how]) == 0;
}

// glibc clears it when the process creates its first thread (its own
// helper threads too), and never sets it back.
bool NeverMadeAThread() { return __libc_single_threaded; }

// x86-64: bit 1 of the page-fault error code is set for a write.
bool FaultIsWrite(void *ucontext) {
#if defined(__x86_64__)
  const ucontext_t *uc = static_cast<const ucontext_t *>(ucontext);
  return uc->uc_mcontext.gregs[REG_ERR] & 2;
#else
  (void)ucontext;
  return false;
#endif
}

uptr FaultAccessSize(void *ucontext) {
#if defined(__x86_64__)
  const ucontext_t *uc = static_cast<const ucontext_t *>(ucontext);
  return DecodeAccessSize(reinterpret_cast<const u8 *>(uc->uc_mcontext.gregs[REG_RIP]));
#else
  (void)ucontext;
  return 0;
#endif
}

}  // namespace __cgosan
