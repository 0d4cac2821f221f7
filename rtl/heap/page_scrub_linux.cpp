// page_scrub_linux.cpp — overwriting a large object's pages without faulting
// in the ones nobody touched.
//
// The sweep poisons a dead large object, and a large object made on pages
// that held an older one is zeroed. A memset of the whole object would fault
// in every page the program never wrote: a 64 MiB buffer of which a program
// used one page would become 64 MiB resident at its death, and again when
// its pages were reused. So the pages are asked first (mincore(2)). Each run
// of resident pages is written. Each run of pages that are not is dropped
// (MADV_DONTNEED) and reads zero from then on: dropping, not skipping,
// because a page that is not resident may be in swap, holding the object's
// old bytes, and those must not be readable through a stale pointer again.
//
// What it costs: a stale read of a dead object's never-touched (or
// swapped-out) page sees zero where a touched page shows poison; and a
// query per 4 MiB. A query is a system call, about 1.5 us on a VM, and
// slows the memset after it (the TLB is refilled): about a fifth of the
// work for a 1 MiB object written whole, a few percent from 4 MiB. So an
// object under 4 MiB, the collector's smallest trigger (the heap holds that
// much garbage between collections anyway), is written whole, unasked.
#include <sys/mman.h>

#include "heap_internal.h"
#include "sanitizer_common/sanitizer_posix.h"

namespace __cgosan {

static constexpr uptr kPagesPerQuery = 1024;  // the residency vector is on the stack
static constexpr uptr kQueryFrom = 4 << 20;   // bytes; smaller ranges are written whole

static void Fill(uptr start, uptr end, u8 byte) {
  HeapFill(reinterpret_cast<void *>(start), byte, end - start);
}

// A run of pages alike, written (resident) or dropped (not). A drop the
// kernel refuses (a sandbox's seccomp filter, say) is a write: the old bytes
// must go either way.
static void ScrubRun(uptr start, uptr end, bool resident, u8 byte) {
  if (resident || internal_madvise(start, end - start, MADV_DONTNEED) != 0)
    Fill(start, end, byte);
}

// [start, end) is whole pages. Runs are carried across queries, so pages
// resident throughout take one memset (large ones are non-temporal stores).
static void ScrubByResidency(uptr start, uptr end, uptr page, u8 byte) {
  unsigned char resident[kPagesPerQuery];
  uptr run = start;
  bool run_resident = true;
  for (uptr from = start; from < end;) {
    uptr to = Min(end, from + kPagesPerQuery * page);
    bool known = mincore(reinterpret_cast<void *>(from), to - from, resident) == 0;
    for (uptr p = from; p < to; p += page) {
      bool in_memory = !known || (resident[(p - from) / page] & 1);  // unknown: write
      if (in_memory == run_resident)
        continue;
      if (p > run)
        ScrubRun(run, p, run_resident, byte);
      run = p;
      run_resident = in_memory;
    }
    from = to;
  }
  ScrubRun(run, end, run_resident, byte);
}

void ScrubPages(uptr start, uptr size, u8 byte) {
  uptr page = GetPageSizeCached();
  uptr end = start + size;
  uptr whole_start = RoundUpTo(start, page);
  uptr whole_end = RoundDownTo(end, page);
  if (size < kQueryFrom || whole_start >= whole_end) {
    Fill(start, end, byte);
    return;
  }
  Fill(start, whole_start, byte);  // the edges of pages shared with others
  Fill(whole_end, end, byte);
  ErrnoSaver errno_saver;
  ScrubByResidency(whole_start, whole_end, page, byte);
}

}  // namespace __cgosan
