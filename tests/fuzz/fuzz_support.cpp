// fuzz_support.cpp — see fuzz_support.h.
#include "fuzz_support.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanitizer_common/sanitizer_common.h"
#include "sanitizer_common/sanitizer_interface_internal.h"

namespace cgosan_fuzz {

using __sanitizer::LowLevelAllocator;

static jmp_buf rejected;
static bool rejectable;
static bool check_failed;
static LowLevelAllocator arena_mark;

static void Say(const char *message) {
  ssize_t ignored = write(2, message, strlen(message));
  (void)ignored;
}

static void OnCheckFailed() { check_failed = true; }

static void OnDie() {
  if (rejectable && !check_failed)
    longjmp(rejected, 1);
  Say("cgosan fuzz: the runtime died on this input (a CHECK, or a report "
      "that ends the process); rerun it with CGOSAN_FUZZ_VERBOSE=1 to see "
      "the runtime's message\n");
  abort();
}

void Initialize() {
  __sanitizer::AddDieCallback(OnDie);
  __sanitizer::SetCheckUnwindCallback(OnCheckFailed);
  const char *verbose = getenv("CGOSAN_FUZZ_VERBOSE");
  if (!verbose || strcmp(verbose, "1") != 0) {
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd >= 0)
      __sanitizer_set_report_fd(reinterpret_cast<void *>(intptr_t(null_fd)));
  }
  // A fresh chunk of the arena (64 KiB) to rewind to: room for the parser's
  // table and every string of an input of up to 4 KiB.
  LowLevelAllocator &arena = __sanitizer::GetGlobalLowLevelAllocator();
  arena = LowLevelAllocator();
  arena.Allocate(1);
  arena_mark = arena;
}

bool RunRejectable(void (*fn)(void *arg), void *arg) {
  volatile bool ok = false;
  if (!setjmp(rejected)) {
    rejectable = true;
    fn(arg);
    ok = true;
  }
  rejectable = false;
  __sanitizer::GetGlobalLowLevelAllocator() = arena_mark;
  return ok;
}

}  // namespace cgosan_fuzz
