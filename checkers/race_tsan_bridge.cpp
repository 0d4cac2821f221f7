// race_tsan_bridge.cpp — in a process built with -fsanitize=thread, hands
// TSan what only cgosan knows, so TSan's own reports cover the boundary too.
//
// TSan sees every access and sync of the code it instrumented, and nothing of
// uninstrumented C libraries. cgosan knows two things about them: the edges
// the program names with cgosan_acquire / cgosan_release, and the ranges a
// foreign call receives (cgosan_race_*_range: the interposer's, or the
// program's own). Both are forwarded as __tsan_acquire / __tsan_release /
// __tsan_read_range_pc / __tsan_write_range_pc (with the pc of the program's
// call, so TSan's frame #0 is the user's line, not cgosan's). They are weak
// references: in a process without TSan they are null and the bridge costs
// one test per call.
// Forwarding does not depend on CGOSAN_OPTIONS=race: TSan is its own engine,
// and reports in its own format (WARNING: ThreadSanitizer: data race). So
// cgosan_race_enabled() says 1 under TSan, and the interposer records ranges.
// Left out on purpose: accesses of code compiled with the cgosan pass (in a
// TSan build that code is TSan-instrumented already; forwarding would count
// them twice), and race=go's racecgosync fence (it would add Go's false
// negatives to TSan's verdicts; TSan alone has no global fence).
#include "race.h"

extern "C" {
// sanitizer/tsan_interface.h, declared here weak.
void __tsan_acquire(void *addr) __attribute__((weak));
void __tsan_release(void *addr) __attribute__((weak));
void __tsan_read_range_pc(void *addr, unsigned long size, void *pc)
    __attribute__((weak));
void __tsan_write_range_pc(void *addr, unsigned long size, void *pc)
    __attribute__((weak));
}

namespace __cgosan {

bool TsanPresent() { return &__tsan_acquire != nullptr; }

void TsanAcquire(uptr addr) {
  if (&__tsan_acquire)
    __tsan_acquire(reinterpret_cast<void *>(addr));
}

void TsanRelease(uptr addr) {
  if (&__tsan_release)
    __tsan_release(reinterpret_cast<void *>(addr));
}

void TsanAccessRange(uptr addr, uptr size, bool is_write, uptr pc) {
  void *p = reinterpret_cast<void *>(addr);
  void *at = reinterpret_cast<void *>(pc);
  if (is_write && &__tsan_write_range_pc)
    __tsan_write_range_pc(p, size, at);
  else if (!is_write && &__tsan_read_range_pc)
    __tsan_read_range_pc(p, size, at);
}

}  // namespace __cgosan
