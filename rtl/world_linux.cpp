// world_linux.cpp — membarrier(2), the heavy side of the stop-the-world
// handshake (see world.cpp).
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rtl.h"

namespace __cgosan {

bool RegisterProcessBarrier() {
  ErrnoSaver errno_saver;
  return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0,
                 0) == 0;
}

void ProcessWideBarrier() {
  ErrnoSaver errno_saver;
  CHECK_EQ(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), 0);
}

}  // namespace __cgosan
