// retention_libc.cpp — retention=full and the buffers libc calls are
// handed. Rule 2 is the same for them: foreign code may not touch a managed
// object after the call it was lent to returned, and a library that
// write(2)s a buffer it kept touches it as surely as one that reads it. But
// a watched object's pages are protected, and the kernel's access is no
// fault the runtime sees: it is EFAULT, the library's call fails, and the
// checker would have changed the program silently. So the interceptors of
// the calls that hand a buffer to the kernel (read, write, send, recv and
// their vectored, positioned and message forms) or move it in libc with a
// system call underneath (fread, fwrite) ask first: a watched object in
// the buffers handed over by foreign code is the `retained-pointer` report,
// the access being the call ("a read of size 4096 by foreign code in
// write(2)"); and every managed page of the buffers is held open until the
// call returns, whoever lends, watches or faults meanwhile, so the kernel
// never meets a protected page. The other shapes the kernel reads: a path
// or string up to its NUL, exec's vectors, a socket call's sized buffer,
// lio_listio's requests (LibcBuffers in retention_libc.h). mem*/str* need
// nothing here: their accesses are the caller's own instructions, and fault
// like any other.
// Allowed on purpose: managed code's calls (they open the pages, counted as
// faults are), a buffer the running call was handed (not watched while it
// runs), memory outside the arena (never watched).
// Cost: off retention=full|guard, one load and a branch at each end of the
// call. full: for a buffer in the arena, the watch table's lock and a table
// entry per page, twice; other memory, a compare. guard: the same for a
// buffer in the guarded pool only.
#include "retention_libc.h"

#include "foreign_retention_watch.h"

#include <aio.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "heap/guarded_pool.h"

namespace __cgosan {

// The kernel takes no more iovecs a call, nor messages (IOV_MAX, UIO_MAXIOV):
// beyond, it fails the call (or leaves the rest), and nothing here is read.
static constexpr uptr kMaxVectors = 1024;

// A range's first GiB at most is held: a larger length is a bug the kernel
// answers with EFAULT or a short transfer, and holding it would walk the
// arena page by page.
static constexpr uptr kMaxHeldBytes = 1ull << 30;

// [p, p + n) cut to where anything watched lives: the arena, or with
// retention=guard only its guarded pool (no other page is ever protected).
static bool ArenaPart(const void *p, uptr n, uptr *start, uptr *size) {
  uptr lo = reinterpret_cast<uptr>(p);
  n = Min(n, kMaxHeldBytes);
  uptr hi = lo + n < lo ? ~static_cast<uptr>(0) : lo + n;
  uptr watchable = guarded_pool_start ? guarded_pool_start : arena_start;
  lo = Max(lo, watchable);
  hi = Min(hi, watchable + (guarded_pool_start ? kGuardedPoolBytes : kArenaSize));
  if (!n || lo >= hi)
    return false;
  *start = lo;
  *size = hi - lo;
  return true;
}

void LibcBufferHold::HoldRange(const void *p, uptr n, bool stores,
                               const char *call, bool report) {
  if (report)  // a foreign heap's dead object: opened, reported if foreign
    HoldForeignKeptRange(p, n, stores, call, ForeignCodeRunsHere());
  uptr start, size;
  if (!ArenaPart(p, n, &start, &size))
    return;
  RetainedAccess hit;
  bool reported =
      HoldLibcRange(start, size, report && ForeignCodeRunsHere(), &hit);
  if (nheld_ < kMaxHeld) {
    start_[nheld_] = start;
    size_[nheld_++] = size;
  } else {
    ReleaseLibcRange(start, size);  // open until the next call starts
  }
  if (reported) {
    hit.write = stores;
    hit.libc_call = call;
    hit.libc_size = n;
    ReportRetainedAccess(hit, nullptr);
  }
}

// The kernel reads a path up to its NUL, and refuses one longer than this
// (ENAMETOOLONG); an exec argument or environment string, one longer than
// MAX_ARG_STRLEN (E2BIG).
static constexpr uptr kMaxPathBytes = 4096;
static constexpr uptr kMaxArgStringBytes = 32 * 4096;
// execve's vectors: the strings a walk looks at, of each (the kernel takes
// more, but an exec of more managed strings than this is not held past them).
static constexpr uptr kMaxArgStrings = 4096;

// Bytes from addr to its page's end: a read of a chunk stops there, so that
// a string or array ending just before an unreadable page is read whole,
// as the kernel reads it.
static uptr ToPageEnd(uptr addr) {
  uptr page = GetPageSizeCached();
  return page - (addr & (page - 1));
}

// A string's pages (as far as it may reach) are held first, with no
// report: the bytes past its NUL are not the call's. Then it is measured,
// read as the kernel reads it (CopyIfReadable, a chunk at a time), and its
// bytes with the NUL are held again, where a watched object foreign code
// hands over is the report.
void LibcBufferHold::HoldString(const char *s, uptr max_bytes,
                                const char *call) {
  uptr start, size;
  if (!ArenaPart(s, max_bytes, &start, &size) ||
      start != reinterpret_cast<uptr>(s))
    return;  // not where anything is watched
  HoldRange(s, size, false, call, /*report=*/false);
  char chunk[256];
  for (uptr at = 0, n; at < size; at += n) {
    n = Min(Min(size - at, sizeof(chunk)), ToPageEnd(start + at));
    if (!CopyIfReadable(start + at, chunk, n))
      return;  // EFAULT from the kernel
    if (const void *nul = internal_memchr(chunk, 0, n)) {
      uptr len = at + (static_cast<const char *>(nul) - chunk);
      HoldRange(s, len + 1, false, call);
      return;
    }
  }
}

// A NULL-terminated array of strings, read as the kernel reads it: a chunk
// of pointers at a time (held first, with no report, where it is in the
// arena), then the array up to its NULL (the report's range), then each
// string.
void LibcBufferHold::HoldStringVector(char *const *v, const char *call) {
  constexpr uptr kChunk = 16;
  char *chunk[kChunk];
  for (uptr count = 0, n; count < kMaxArgStrings; count += n) {
    uptr at = reinterpret_cast<uptr>(v + count);
    n = Max<uptr>(1, Min(kChunk, ToPageEnd(at) / sizeof(*v)));
    HoldRange(v + count, n * sizeof(*v), false, call, /*report=*/false);
    if (!CopyIfReadable(at, chunk, n * sizeof(*v)))
      return;  // EFAULT from the kernel
    uptr i = 0;
    while (i < n && chunk[i]) {
      HoldString(chunk[i], kMaxArgStringBytes, call);
      i++;
    }
    if (i < n) {
      HoldRange(v, (count + i + 1) * sizeof(*v), false, call);
      return;
    }
  }
}

// The length is held first (a watched page is not readable either), then
// read as the kernel reads it: where it cannot be, the call fails with
// EFAULT, and the bytes are not held.
void LibcBufferHold::HoldSized(void *p, const u32 *len, const char *call) {
  HoldRange(len, sizeof(*len), true, call);
  u32 n;
  if (len && CopyIfReadable(reinterpret_cast<uptr>(len), &n, sizeof(n)))
    HoldRange(p, n, true, call);
}

// The iovecs of an array the caller hands over, read as the kernel reads
// them: a chunk at a time with CopyIfReadable, so a bad array pointer ends
// the walk (the call then fails with EFAULT) instead of the process.
template <typename Fn>
static void ForEachIovec(const iovec *iov, uptr count, Fn fn) {
  constexpr uptr kChunk = 16;
  iovec chunk[kChunk];
  for (uptr i = 0; i < count; i += kChunk) {
    uptr n = Min(count - i, kChunk);
    if (!CopyIfReadable(reinterpret_cast<uptr>(iov + i), chunk,
                        n * sizeof(iovec)))
      return;
    for (uptr j = 0; j < n; j++) fn(chunk[j]);
  }
}

void LibcBufferHold::HoldIovecs(const iovec *iov, uptr count, bool stores,
                                const char *call) {
  count = Min(count, kMaxVectors);
  HoldRange(iov, count * sizeof(iovec), false, call);
  ForEachIovec(iov, count, [&](const iovec &v) {
    HoldRange(v.iov_base, v.iov_len, stores, call);
  });
}

// The kernel reads the header and the iovec array, and moves the name, the
// iovecs' bytes and the control buffer (a receive also stores the lengths
// and flags into the header). Each is read only once its own pages are
// held, and only where the kernel could read it.
void LibcBufferHold::HoldMessage(const msghdr *msg, bool stores,
                                 const char *call) {
  HoldRange(msg, sizeof(*msg), stores, call);
  msghdr m;
  if (!CopyIfReadable(reinterpret_cast<uptr>(msg), &m, sizeof(m)))
    return;  // EFAULT from the kernel
  HoldRange(m.msg_name, m.msg_namelen, stores, call);
  if (m.msg_iov)
    HoldIovecs(m.msg_iov, m.msg_iovlen, stores, call);
  HoldRange(m.msg_control, m.msg_controllen, stores, call);
}

// The requests of lio_listio: the array, then each aiocb (libc's helper
// stores its result there) and the buffer it names, read or written as its
// lio_opcode says. Read as libc reads them, where it can be.
void LibcBufferHold::HoldAioRequests(const void *const *list, uptr count,
                                     const char *call) {
  count = Min(count, kMaxVectors);
  HoldRange(list, count * sizeof(*list), false, call);
  for (uptr i = 0; i < count; i++) {
    const aiocb *cb;
    aiocb request;
    if (!CopyIfReadable(reinterpret_cast<uptr>(list + i), &cb, sizeof(cb)))
      return;  // EFAULT
    if (!cb)
      continue;
    HoldRange(cb, sizeof(*cb), true, call);
    if (!CopyIfReadable(reinterpret_cast<uptr>(cb), &request, sizeof(request)))
      return;  // EFAULT
    if (request.aio_lio_opcode != LIO_NOP)
      HoldRange(const_cast<void *>(request.aio_buf), request.aio_nbytes,
                request.aio_lio_opcode == LIO_READ, call);
  }
}

void LibcBufferHold::Hold(const void *p, uptr n, LibcBuffers::Shape shape,
                          bool stores, const char *call) {
  if (!p && shape != LibcBuffers::kBytes)
    return;  // no array or header: EFAULT
  if (WatchLockedHere())
    return;  // a signal handler's call on a thread holding the table's lock
  ErrnoSaver errno_saver;
  switch (shape) {
    case LibcBuffers::kBytes:
      HoldRange(p, n, stores, call);
      break;
    case LibcBuffers::kIovecs:
      HoldIovecs(static_cast<const iovec *>(p), n, stores, call);
      break;
    case LibcBuffers::kMessage:
      HoldMessage(static_cast<const msghdr *>(p), stores, call);
      break;
    case LibcBuffers::kString:
      HoldString(static_cast<const char *>(p), kMaxPathBytes, call);
      break;
    case LibcBuffers::kStringVectors:
      HoldStringVector(static_cast<char *const *>(p), call);
      if (n)
        HoldStringVector(reinterpret_cast<char *const *>(n), call);
      break;
    case LibcBuffers::kSized:
      HoldSized(const_cast<void *>(p), reinterpret_cast<const u32 *>(n), call);
      break;
    case LibcBuffers::kAioRequests:
      HoldAioRequests(static_cast<const void *const *>(p), n, call);
      break;
    case LibcBuffers::kMessages: {
      const mmsghdr *msgs = static_cast<const mmsghdr *>(p);
      uptr count = Min(n, kMaxVectors);
      HoldRange(msgs, count * sizeof(mmsghdr), stores, call);  // msg_len
      for (uptr i = 0; i < count; i++)
        HoldMessage(&msgs[i].msg_hdr, stores, call);
      break;
    }
  }
}

// What Hold held, as it was then: a receive has since rewritten the lengths
// in its headers.
void LibcBufferHold::Release() {
  ErrnoSaver errno_saver;
  for (u32 i = 0; i < nheld_; i++)
    ReleaseLibcRange(start_[i], size_[i]);
  nheld_ = 0;
}

}  // namespace __cgosan
