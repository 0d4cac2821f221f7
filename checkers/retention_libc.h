// retention_libc.h — retention=full and the libc calls that hand a buffer
// to the kernel (read, write, send, recv & co.) or move it themselves
// (fread, fwrite): what their interceptors put first. retention_libc.cpp
// says why.
//
//   INTERCEPTOR(ssize_t, write, int fd, const void *buf, size_t n) {
//     LibcBufferHold hold(Loaded(buf, n, "write(2)"));
//     ...the interceptor as it was
//   }
#ifndef CGOSAN_CHECKERS_RETENTION_LIBC_H
#define CGOSAN_CHECKERS_RETENTION_LIBC_H

#include "retention.h"

struct iovec;
struct msghdr;
struct mmsghdr;

namespace __cgosan {

// The buffers one call is handed, and what it does with them.
struct LibcBuffers {
  enum Shape : u8 {
    kBytes,     // p: the bytes, n: how many
    kIovecs,    // p: an iovec array, n: its count
    kMessage,   // p: a msghdr (its name, iovecs and control buffer)
    kMessages,  // p: an mmsghdr array, n: its count
    kString,    // p: a NUL-terminated path (read by the kernel)
    kSized,     // p: the bytes, n: the address of their socklen_t length,
                // which the call reads and writes back
    kStringVectors,  // p and n: two NULL-terminated arrays of strings
                     // (execve's argv and envp; either may be null)
    kAioRequests,    // p: lio_listio's array of aiocb pointers, n: its
                     // count; each request's buffer moves as its
                     // lio_opcode says, and libc stores into the aiocb
  };
  const void *p;
  uptr n;
  Shape shape;
  bool stores;       // the call stores into them (a receive), else loads
  const char *call;  // the call as a report names it: "write(2)"
};

inline LibcBuffers Loaded(const void *p, uptr n, const char *call) {
  return {p, n, LibcBuffers::kBytes, false, call};
}
inline LibcBuffers Stored(const void *p, uptr n, const char *call) {
  return {p, n, LibcBuffers::kBytes, true, call};
}
inline LibcBuffers LoadedIovecs(const iovec *iov, int count, const char *call) {
  return {iov, count > 0 ? static_cast<uptr>(count) : 0, LibcBuffers::kIovecs,
          false, call};
}
inline LibcBuffers StoredIovecs(const iovec *iov, int count, const char *call) {
  return {iov, count > 0 ? static_cast<uptr>(count) : 0, LibcBuffers::kIovecs,
          true, call};
}
inline LibcBuffers LoadedMessage(const msghdr *msg, const char *call) {
  return {msg, 1, LibcBuffers::kMessage, false, call};
}
inline LibcBuffers StoredMessage(const msghdr *msg, const char *call) {
  return {msg, 1, LibcBuffers::kMessage, true, call};
}
inline LibcBuffers LoadedMessages(const mmsghdr *msgs, uptr count,
                                  const char *call) {
  return {msgs, count, LibcBuffers::kMessages, false, call};
}
inline LibcBuffers StoredMessages(const mmsghdr *msgs, uptr count,
                                  const char *call) {
  return {msgs, count, LibcBuffers::kMessages, true, call};
}
// A socket call's value or address and its length, read (and written back)
// at *len: the length is read only by the hold, in the modes that hold.
inline LibcBuffers StoredSized(void *p, const u32 *len, const char *call) {
  return {p, reinterpret_cast<uptr>(len), LibcBuffers::kSized, true, call};
}
// No buffer: an ioctl whose argument is not known.
inline LibcBuffers NoBuffer() { return Loaded(nullptr, 0, nullptr); }
// A path the kernel reads up to its NUL.
inline LibcBuffers LoadedPath(const char *path, const char *call) {
  return {path, 0, LibcBuffers::kString, false, call};
}
// execve's argument and environment vectors: each array up to its NULL, and
// each string up to its NUL.
inline LibcBuffers LoadedStringVectors(char *const *argv, char *const *envp,
                                       const char *call) {
  return {argv, reinterpret_cast<uptr>(envp), LibcBuffers::kStringVectors,
          false, call};
}
// lio_listio's requests.
inline LibcBuffers AioRequests(const void *const *list, int count,
                               const char *call) {
  return {list, count > 0 ? static_cast<uptr>(count) : 0,
          LibcBuffers::kAioRequests, true, call};
}
// fread's and fwrite's bytes: size * count, or all of memory on overflow.
inline uptr ItemBytes(uptr size, uptr count) {
  uptr bytes;
  return __builtin_mul_overflow(size, count, &bytes) ? ~static_cast<uptr>(0)
                                                     : bytes;
}

// For the call's duration: the managed pages of its buffers are open and
// stay open, and a watched object among them that foreign code hands over
// is reported first. Off retention=full, one load and a branch at each end.
class LibcBufferHold {
 public:
  // b by value, handed on in registers: the fast path stores none of it.
  // Implicit, so that a call's holds can be an array initialized from its
  // buffers: `LibcBufferHold held[] = {Loaded(...), Stored(...)};`.
  ALWAYS_INLINE LibcBufferHold(LibcBuffers b) : nheld_(0) {  // NOLINT
    if (UNLIKELY(__cgosan_lending))
      Hold(b.p, b.n, b.shape, b.stores, b.call);
  }
  ALWAYS_INLINE ~LibcBufferHold() {
    if (UNLIKELY(nheld_))
      Release();
  }
  LibcBufferHold(const LibcBufferHold &) = delete;
  void operator=(const LibcBufferHold &) = delete;

 private:
  NOINLINE void Hold(const void *p, uptr n, LibcBuffers::Shape shape,
                     bool stores, const char *call);
  NOINLINE void Release();
  // report: a watched object there that foreign code hands over is the
  // report (else the pages are only held).
  void HoldRange(const void *p, uptr n, bool stores, const char *call,
                 bool report = true);
  // A string the kernel reads up to its NUL, at most max_bytes with it.
  void HoldString(const char *s, uptr max_bytes, const char *call);
  void HoldStringVector(char *const *v, const char *call);
  void HoldSized(void *p, const u32 *len, const char *call);
  void HoldIovecs(const iovec *iov, uptr count, bool stores, const char *call);
  void HoldMessage(const msghdr *msg, bool stores, const char *call);
  void HoldAioRequests(const void *const *list, uptr count, const char *call);

  // The arena ranges held; a call handed more is checked for them but
  // leaves them open only until the next call starts.
  static constexpr uptr kMaxHeld = 16;
  uptr start_[kMaxHeld], size_[kMaxHeld];
  u32 nheld_;
};

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_RETENTION_LIBC_H
