// readable_linux.cpp — can this process read [addr, addr+size)? Asked of
// addresses the user hands the runtime to read later, away from the call
// (root slots), so that a bad one is reported at the call, not as a crash;
// and how the runtime reads what a caller hands libc (an iovec array, a
// msghdr) where the kernel would answer a bad address with EFAULT.
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

// The bytes copied, or -errno.
static long ReadOwnMemory(uptr addr, void *to, uptr size) {
  struct iovec local = {to, size};
  struct iovec remote = {reinterpret_cast<void *>(addr), size};
  // Every argument a full word: syscall(2) passes the seventh on the stack,
  // where an int 0 would leave the upper half of `flags` undefined (EINVAL).
  long copied = syscall(SYS_process_vm_readv, static_cast<long>(internal_getpid()),
                        &local, 1ul, &remote, 1ul, 0ul);
  return copied < 0 ? -errno : copied;
}

bool IsReadable(uptr addr, uptr size) {
  ErrnoSaver errno_saver;
  char copy[64];
  CHECK_LE(size, sizeof(copy));
  long copied = ReadOwnMemory(addr, copy, size);
  // Where the call itself is refused (ENOSYS, or a seccomp filter), assume
  // readable: as before this check, the collector finds out.
  if (copied < 0 && copied != -EFAULT)
    return true;
  return copied == static_cast<long>(size);
}

bool CopyIfReadable(uptr addr, void *to, uptr size) {
  ErrnoSaver errno_saver;
  long copied = ReadOwnMemory(addr, to, size);
  if (copied < 0 && copied != -EFAULT) {  // refused: read it as before
    internal_memcpy(to, reinterpret_cast<void *>(addr), size);
    return true;
  }
  return copied == static_cast<long>(size);
}

}  // namespace __cgosan
