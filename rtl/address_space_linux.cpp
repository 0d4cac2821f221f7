// address_space_linux.cpp — the runtime's large reservations (the managed
// range: arena and G stacks; the page map; the G table), made once at start
// and committed page by page as they are used.
//
// They take address space, not memory: MAP_NORESERVE, so no commit charge.
// What can refuse them is an address-space limit (ulimit -v, RLIMIT_AS) below
// their sum. sanitizer_common's MmapNoReserveOrDie would then print "out of
// memory" and the whole memory map; this says what is short and what to do,
// in one line, and ends the process before any user code depends on it.
#include <sys/mman.h>

#include "rtl.h"
#include "sanitizer_common/sanitizer_posix.h"

namespace __cgosan {

static constexpr char kMsgNoAddressSpace[] =
    "ERROR: %s: cannot reserve %zu MiB of address space for the %s (errno "
    "%d): the runtime reserves about %zu GiB at start and uses memory only "
    "as it fills them; the address-space limit (ulimit -v) must allow that\n";

void *ReserveAddressSpaceOrDie(uptr size, const char *what) {
  uptr p = internal_mmap(nullptr, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  int error;
  if (UNLIKELY(internal_iserror(p, &error))) {
    Printf(kMsgNoAddressSpace, SanitizerToolName, (usize)(size >> 20), what,
           error, (usize)(kReservedAtStart >> 30));
    Die();
  }
  return reinterpret_cast<void *>(p);
}

}  // namespace __cgosan
