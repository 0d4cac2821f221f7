// fuzz_support.cpp — see fuzz_support.h.
#include "fuzz_support.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sanitizer_common/sanitizer_common.h"
#include "sanitizer_common/sanitizer_interface_internal.h"

namespace cgosan_fuzz {

using __sanitizer::LowLevelAllocator;

static jmp_buf rejected;
static int quiet_fd = 2;   // where the runtime writes outside RunRejectable
static int capture_fd;     // what it writes inside (a memfd)
static bool rejectable;
static bool check_failed;
static LowLevelAllocator arena_mark;

static void Say(const char *message) {
  ssize_t ignored = write(2, message, strlen(message));
  (void)ignored;
}

static void SetReportFd(int fd) {
  __sanitizer_set_report_fd(reinterpret_cast<void *>(intptr_t(fd)));
}

// What the runtime wrote into the capture since it was emptied (the first
// 4 KiB), and how many lines that is.
static int Captured(char (&text)[4096]) {
  ssize_t n = pread(capture_fd, text, sizeof(text) - 1, 0);
  n = n > 0 ? n : 0;
  text[n] = 0;
  int lines = 0;
  for (ssize_t i = 0; i < n; i++) lines += text[i] == '\n';
  return lines + (n > 0 && text[n - 1] != '\n');
}

static void OnCheckFailed() { check_failed = true; }

static void OnDie() {
  if (rejectable && !check_failed)
    longjmp(rejected, 1);
  char text[4096];
  if (rejectable && Captured(text)) {
    Say("cgosan fuzz: the runtime died on this input:\n");
    Say(text);
  } else {
    Say("cgosan fuzz: the runtime died on this input (a CHECK, or a report "
        "that ends the process); rerun it with CGOSAN_FUZZ_VERBOSE=1 to see "
        "the runtime's message\n");
  }
  abort();
}

void Initialize() {
  __sanitizer::AddDieCallback(OnDie);
  __sanitizer::SetCheckUnwindCallback(OnCheckFailed);
  const char *verbose = getenv("CGOSAN_FUZZ_VERBOSE");
  if (!verbose || strcmp(verbose, "1") != 0) {
    quiet_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (quiet_fd < 0)
      quiet_fd = 2;
  }
  SetReportFd(quiet_fd);
  capture_fd = memfd_create("cgosan-fuzz-output", MFD_CLOEXEC);
  if (capture_fd < 0) {
    Say("cgosan fuzz: memfd_create failed\n");
    abort();
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
  if (ftruncate(capture_fd, 0) != 0 || lseek(capture_fd, 0, SEEK_SET) != 0)
    abort();
  SetReportFd(capture_fd);
  if (!setjmp(rejected)) {
    rejectable = true;
    fn(arg);
    ok = true;
  }
  rejectable = false;
  SetReportFd(quiet_fd);
  __sanitizer::GetGlobalLowLevelAllocator() = arena_mark;
  char text[4096];
  if (!ok && Captured(text) != 1) {
    Say("cgosan fuzz: the input was rejected without a one-line message:\n");
    Say(text);
    abort();
  }
  return ok;
}

}  // namespace cgosan_fuzz
