// readable_linux.cpp — can this process read [addr, addr+size)? Asked of
// addresses the user hands the runtime to read later, away from the call
// (root slots), so that a bad one is reported at the call, not as a crash.
//
// process_vm_readv(2) of our own memory: the kernel copies or fails with
// EFAULT, and a process may always read itself. One system call and no file
// descriptor (sanitizer_common's IsAccessibleMemoryRange opens a pipe, which
// fails, and would call good memory bad, when the process is out of them).
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rtl.h"

namespace __cgosan {

bool IsReadable(uptr addr, uptr size) {
  ErrnoSaver errno_saver;
  char copy[64];
  CHECK_LE(size, sizeof(copy));
  struct iovec local = {copy, size};
  struct iovec remote = {reinterpret_cast<void *>(addr), size};
  long copied = syscall(SYS_process_vm_readv, internal_getpid(), &local, 1,
                        &remote, 1, 0);
  // Where the call itself is refused (ENOSYS, or a seccomp filter), assume
  // readable: as before this check, the collector finds out.
  if (copied < 0 && errno != EFAULT)
    return true;
  return copied == static_cast<long>(size);
}

}  // namespace __cgosan
