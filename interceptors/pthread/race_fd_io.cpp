// race_fd_io.cpp — the calls that move bytes through an fd: the sends
// release the fd's sync object before the real call (once the bytes are in
// the kernel the receiver may already have them), the receives acquire it
// after a successful one (race_fd.cpp has the model). Covered: read, pread,
// readv, preadv, preadv2, recv, recvfrom, recvmsg, recvmmsg, eventfd_read
// and their _FORTIFY_SOURCE forms (__read_chk & co.); write, pwrite, writev,
// pwritev, pwritev2, send, sendto, sendmsg, sendmmsg, eventfd_write. The
// 64-bit-offset names (pread64...) are the same functions on LP64 and
// intercepted under both names.
// The bytes a send loads from the caller's buffer and a receive stores into
// it are accesses too (RecordLibcRead/Write, race_libc_memory.cpp), recorded
// where TSan records them (race_fd.h): read, pread, recv, recvfrom, write,
// pwrite, send, sendto and the fortified forms; for the vectored calls
// (readv, preadv*, recvmsg, writev, pwritev*, sendmsg) the result's bytes
// as they fill the iovecs in order, one access per iovec touched; for the
// message calls (recvmsg, sendmsg, and recvmmsg, sendmmsg per message moved)
// also the control buffer (what the kernel stored into it, or all of it for
// a send), as TSan records them; recvmsg and recvmmsg also each message's
// name (the peer's address the kernel stored, as TSan records it). A
// message receive records its stores after its acquire, the others before
// (RecordStores). The msghdr itself is not recorded.
// With retention=full each call first holds its buffers (LibcBufferHold,
// checkers/retention_libc.cpp): a retained object is reported, and the
// kernel never meets a protected page.
// Cost: see race_fd.cpp; race=off is one load and a branch per call.
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "race_fd.h"
#include "retention_libc.h"

namespace __cgosan {
namespace {

// The bytes a call moved: its result, or none when it failed.
uptr Transferred(ssize_t result) { return result > 0 ? result : 0; }

// A receive stored its result's bytes at buf; Rest are the parameters after
// (fd, buf, n), which differ from call to call.
template <typename... Rest>
void StoredInto(ssize_t result, int, void *buf, size_t, Rest...) {
  RecordLibcWrite(buf, Transferred(result));
}
// A send loaded its result's bytes from buf.
template <typename... Rest>
void LoadedFrom(ssize_t result, int, const void *buf, size_t, Rest...) {
  RecordLibcRead(buf, Transferred(result));
}

// A vectored call moved `moved` bytes through iov[0, count), in order.
template <bool kIsWrite>
void MovedThrough(const struct iovec *iov, uptr count, uptr moved) {
  for (uptr i = 0; i < count && moved; i++) {
    uptr n = Min<uptr>(moved, iov[i].iov_len);
    if (kIsWrite)
      RecordLibcWrite(iov[i].iov_base, n);
    else
      RecordLibcRead(iov[i].iov_base, n);
    moved -= n;
  }
}
// readv & co. stored their result's bytes into the iovecs; Rest are the
// parameters after (fd, iov, iovcnt).
template <typename... Rest>
void StoredIntoIovecs(ssize_t result, int, const struct iovec *iov, int count,
                      Rest...) {
  MovedThrough<true>(iov, count > 0 ? count : 0, Transferred(result));
}
template <typename... Rest>
void LoadedFromIovecs(ssize_t result, int, const struct iovec *iov, int count,
                      Rest...) {
  MovedThrough<false>(iov, count > 0 ? count : 0, Transferred(result));
}
// A message moved `moved` bytes through its iovecs, and its control data:
// a receive's as much as the kernel stored (msg_controllen as it returned),
// a send's all of it.
template <bool kIsWrite>
void MovedThroughMessage(const struct msghdr *msg, uptr moved) {
  MovedThrough<kIsWrite>(msg->msg_iov, msg->msg_iovlen, moved);
  if (!msg->msg_control)
    return;
  if (kIsWrite)
    RecordLibcWrite(msg->msg_control, msg->msg_controllen);
  else
    RecordLibcRead(msg->msg_control, msg->msg_controllen);
}
// Nothing moved when the call failed (msg_controllen is then the caller's).
void StoredIntoMessage(ssize_t result, int, struct msghdr *msg, int) {
  if (result >= 0)
    MovedThroughMessage<true>(msg, result);
}
void LoadedFromMessage(ssize_t result, int, const struct msghdr *msg, int) {
  if (result >= 0)
    MovedThroughMessage<false>(msg, result);
}
// recvmmsg/sendmmsg moved `result` messages, each msg_len bytes.
template <bool kIsWrite>
void MovedThroughMessages(int result, const struct mmsghdr *msgs) {
  for (int i = 0; i < result; i++)
    MovedThroughMessage<kIsWrite>(&msgs[i].msg_hdr, msgs[i].msg_len);
}
void StoredIntoMessages(int result, int, struct mmsghdr *msgs, unsigned, int,
                        struct timespec *) {
  MovedThroughMessages<true>(result, msgs);
}
void LoadedFromMessages(int result, int, struct mmsghdr *msgs, unsigned,
                        int) {
  MovedThroughMessages<false>(result, msgs);
}

// The kernel takes at most this many messages a call (UIO_MAXIOV).
constexpr unsigned kMaxMessages = 1024;

// A receive stored the peer's address into msg_name: as much as the room
// the caller gave (msg_namelen before the call); msg_namelen is now its
// whole length (a longer address is cut).
void StoredName(const struct msghdr *msg, socklen_t room) {
  if (room)
    RecordLibcWrite(msg->msg_name, Min(room, msg->msg_namelen));
}

}  // namespace
}  // namespace __cgosan

using namespace __cgosan;

// --- Receives: acquire after success -------------------------------------------
INTERCEPTOR(ssize_t, read, int fd, void *buf, size_t n) {
  LibcBufferHold hold(Stored(buf, n, "read(2)"));
  if (LIKELY(PassThrough()))
    return REAL(read)(fd, buf, n);
  return CallThenAcquireFd<StoredInto<>>(&REAL(read), fd, fd, buf, n);
}

INTERCEPTOR(ssize_t, __read_chk, int fd, void *buf, size_t n, size_t buflen) {
  LibcBufferHold hold(Stored(buf, n, "read(2)"));
  if (LIKELY(PassThrough()))
    return REAL(__read_chk)(fd, buf, n, buflen);
  return CallThenAcquireFd<StoredInto<size_t>>(&REAL(__read_chk), fd, fd, buf, n, buflen);
}

INTERCEPTOR(ssize_t, pread, int fd, void *buf, size_t n, off_t off) {
  LibcBufferHold hold(Stored(buf, n, "pread(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pread)(fd, buf, n, off);
  return CallThenAcquireFd<StoredInto<off_t>>(&REAL(pread), fd, fd, buf, n, off);
}

INTERCEPTOR(ssize_t, pread64, int fd, void *buf, size_t n, off64_t off) {
  LibcBufferHold hold(Stored(buf, n, "pread(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pread64)(fd, buf, n, off);
  return CallThenAcquireFd<StoredInto<off64_t>>(&REAL(pread64), fd, fd, buf, n, off);
}

INTERCEPTOR(ssize_t, __pread_chk, int fd, void *buf, size_t n, off_t off,
            size_t buflen) {
  LibcBufferHold hold(Stored(buf, n, "pread(2)"));
  if (LIKELY(PassThrough()))
    return REAL(__pread_chk)(fd, buf, n, off, buflen);
  return CallThenAcquireFd<StoredInto<off_t, size_t>>(&REAL(__pread_chk), fd, fd, buf, n, off, buflen);
}

INTERCEPTOR(ssize_t, readv, int fd, const struct iovec *iov, int iovcnt) {
  LibcBufferHold hold(StoredIovecs(iov, iovcnt, "readv(2)"));
  if (LIKELY(PassThrough()))
    return REAL(readv)(fd, iov, iovcnt);
  return CallThenAcquireFd<StoredIntoIovecs<>>(&REAL(readv), fd, fd, iov, iovcnt);
}

INTERCEPTOR(ssize_t, preadv, int fd, const struct iovec *iov, int iovcnt,
            off_t off) {
  LibcBufferHold hold(StoredIovecs(iov, iovcnt, "preadv(2)"));
  if (LIKELY(PassThrough()))
    return REAL(preadv)(fd, iov, iovcnt, off);
  return CallThenAcquireFd<StoredIntoIovecs<off_t>>(&REAL(preadv), fd, fd, iov,
                                                   iovcnt, off);
}

INTERCEPTOR(ssize_t, preadv64, int fd, const struct iovec *iov, int iovcnt,
            off64_t off) {
  LibcBufferHold hold(StoredIovecs(iov, iovcnt, "preadv(2)"));
  if (LIKELY(PassThrough()))
    return REAL(preadv64)(fd, iov, iovcnt, off);
  return CallThenAcquireFd<StoredIntoIovecs<off64_t>>(&REAL(preadv64), fd, fd,
                                                     iov, iovcnt, off);
}

INTERCEPTOR(ssize_t, preadv2, int fd, const struct iovec *iov, int iovcnt,
            off_t off, int flags) {
  LibcBufferHold hold(StoredIovecs(iov, iovcnt, "preadv2(2)"));
  if (LIKELY(PassThrough()))
    return REAL(preadv2)(fd, iov, iovcnt, off, flags);
  return CallThenAcquireFd<StoredIntoIovecs<off_t, int>>(&REAL(preadv2), fd, fd,
                                                        iov, iovcnt, off, flags);
}

INTERCEPTOR(ssize_t, recv, int fd, void *buf, size_t n, int flags) {
  LibcBufferHold hold(Stored(buf, n, "recv(2)"));
  if (LIKELY(PassThrough()))
    return REAL(recv)(fd, buf, n, flags);
  return CallThenAcquireFd<StoredInto<int>>(&REAL(recv), fd, fd, buf, n, flags);
}

INTERCEPTOR(ssize_t, __recv_chk, int fd, void *buf, size_t n, size_t buflen,
            int flags) {
  LibcBufferHold hold(Stored(buf, n, "recv(2)"));
  if (LIKELY(PassThrough()))
    return REAL(__recv_chk)(fd, buf, n, buflen, flags);
  return CallThenAcquireFd<StoredInto<size_t, int>>(&REAL(__recv_chk), fd, fd, buf, n, buflen, flags);
}

INTERCEPTOR(ssize_t, recvfrom, int fd, void *buf, size_t n, int flags,
            struct sockaddr *from, socklen_t *fromlen) {
  LibcBufferHold hold(Stored(buf, n, "recvfrom(2)"));
  if (LIKELY(PassThrough()))
    return REAL(recvfrom)(fd, buf, n, flags, from, fromlen);
  return CallThenAcquireFd<StoredInto<int, struct sockaddr *, socklen_t *>>(&REAL(recvfrom), fd, fd, buf, n, flags, from,
                           fromlen);
}

// The peer's address too: the kernel stores as much of it as the room the
// caller gave (msg_namelen before the call) and returns its whole length in
// msg_namelen (a longer address is cut). Recorded after the acquire, as
// TSan records it: the address came with the data, after the send.
INTERCEPTOR(ssize_t, recvmsg, int fd, struct msghdr *msg, int flags) {
  LibcBufferHold hold(StoredMessage(msg, "recvmsg(2)"));
  if (LIKELY(PassThrough()))
    return REAL(recvmsg)(fd, msg, flags);
  socklen_t name_room = msg && msg->msg_name ? msg->msg_namelen : 0;
  ssize_t result =
      CallThenAcquireFd<StoredIntoMessage, RecordStores::kAfterAcquire>(
          &REAL(recvmsg), fd, fd, msg, flags);
  if (result >= 0 && SyncTracked())
    StoredName(msg, name_room);
  return result;
}

// Each message's peer address too, as recvmsg's: the room its caller gave
// is read before the call (the kernel rewrites msg_namelen), for every
// message the kernel can fill (it takes at most kMaxMessages a call).
INTERCEPTOR(int, recvmmsg, int fd, struct mmsghdr *msgs, unsigned int n,
            int flags, struct timespec *timeout) {
  LibcBufferHold hold(StoredMessages(msgs, n, "recvmmsg(2)"));
  if (LIKELY(PassThrough()))
    return REAL(recvmmsg)(fd, msgs, n, flags, timeout);
  socklen_t name_room[kMaxMessages];
  unsigned named = SyncTracked() && msgs ? Min<unsigned>(n, kMaxMessages) : 0;
  for (unsigned i = 0; i < named; i++)
    name_room[i] = msgs[i].msg_hdr.msg_name ? msgs[i].msg_hdr.msg_namelen : 0;
  int result = CallThenAcquireFd<StoredIntoMessages, RecordStores::kAfterAcquire>(
      &REAL(recvmmsg), fd, fd, msgs, n, flags, timeout);
  for (int i = 0; i < result && static_cast<unsigned>(i) < named; i++)
    StoredName(&msgs[i].msg_hdr, name_room[i]);
  return result;
}

INTERCEPTOR(int, eventfd_read, int fd, eventfd_t *value) {
  if (LIKELY(PassThrough()))
    return REAL(eventfd_read)(fd, value);
  return CallThenAcquireFd(&REAL(eventfd_read), fd, fd, value);
}

// --- Sends: release before the call --------------------------------------------
INTERCEPTOR(ssize_t, write, int fd, const void *buf, size_t n) {
  LibcBufferHold hold(Loaded(buf, n, "write(2)"));
  if (LIKELY(PassThrough()))
    return REAL(write)(fd, buf, n);
  return ReleaseFdThenCall<LoadedFrom<>>(&REAL(write), fd, fd, buf, n);
}

INTERCEPTOR(ssize_t, pwrite, int fd, const void *buf, size_t n, off_t off) {
  LibcBufferHold hold(Loaded(buf, n, "pwrite(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pwrite)(fd, buf, n, off);
  return ReleaseFdThenCall<LoadedFrom<off_t>>(&REAL(pwrite), fd, fd, buf, n, off);
}

INTERCEPTOR(ssize_t, pwrite64, int fd, const void *buf, size_t n,
            off64_t off) {
  LibcBufferHold hold(Loaded(buf, n, "pwrite(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pwrite64)(fd, buf, n, off);
  return ReleaseFdThenCall<LoadedFrom<off64_t>>(&REAL(pwrite64), fd, fd, buf, n, off);
}

INTERCEPTOR(ssize_t, writev, int fd, const struct iovec *iov, int iovcnt) {
  LibcBufferHold hold(LoadedIovecs(iov, iovcnt, "writev(2)"));
  if (LIKELY(PassThrough()))
    return REAL(writev)(fd, iov, iovcnt);
  return ReleaseFdThenCall<LoadedFromIovecs<>>(&REAL(writev), fd, fd, iov, iovcnt);
}

INTERCEPTOR(ssize_t, pwritev, int fd, const struct iovec *iov, int iovcnt,
            off_t off) {
  LibcBufferHold hold(LoadedIovecs(iov, iovcnt, "pwritev(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pwritev)(fd, iov, iovcnt, off);
  return ReleaseFdThenCall<LoadedFromIovecs<off_t>>(&REAL(pwritev), fd, fd, iov,
                                                   iovcnt, off);
}

INTERCEPTOR(ssize_t, pwritev64, int fd, const struct iovec *iov, int iovcnt,
            off64_t off) {
  LibcBufferHold hold(LoadedIovecs(iov, iovcnt, "pwritev(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pwritev64)(fd, iov, iovcnt, off);
  return ReleaseFdThenCall<LoadedFromIovecs<off64_t>>(&REAL(pwritev64), fd, fd,
                                                     iov, iovcnt, off);
}

INTERCEPTOR(ssize_t, pwritev2, int fd, const struct iovec *iov, int iovcnt,
            off_t off, int flags) {
  LibcBufferHold hold(LoadedIovecs(iov, iovcnt, "pwritev2(2)"));
  if (LIKELY(PassThrough()))
    return REAL(pwritev2)(fd, iov, iovcnt, off, flags);
  return ReleaseFdThenCall<LoadedFromIovecs<off_t, int>>(&REAL(pwritev2), fd, fd,
                                                        iov, iovcnt, off, flags);
}

INTERCEPTOR(ssize_t, send, int fd, const void *buf, size_t n, int flags) {
  LibcBufferHold hold(Loaded(buf, n, "send(2)"));
  if (LIKELY(PassThrough()))
    return REAL(send)(fd, buf, n, flags);
  return ReleaseFdThenCall<LoadedFrom<int>>(&REAL(send), fd, fd, buf, n, flags);
}

INTERCEPTOR(ssize_t, sendto, int fd, const void *buf, size_t n, int flags,
            const struct sockaddr *to, socklen_t tolen) {
  LibcBufferHold hold(Loaded(buf, n, "sendto(2)"));
  if (LIKELY(PassThrough()))
    return REAL(sendto)(fd, buf, n, flags, to, tolen);
  return ReleaseFdThenCall<LoadedFrom<int, const struct sockaddr *, socklen_t>>(&REAL(sendto), fd, fd, buf, n, flags, to, tolen);
}

INTERCEPTOR(ssize_t, sendmsg, int fd, const struct msghdr *msg, int flags) {
  LibcBufferHold hold(LoadedMessage(msg, "sendmsg(2)"));
  if (LIKELY(PassThrough()))
    return REAL(sendmsg)(fd, msg, flags);
  return ReleaseFdThenCall<LoadedFromMessage>(&REAL(sendmsg), fd, fd, msg, flags);
}

INTERCEPTOR(int, sendmmsg, int fd, struct mmsghdr *msgs, unsigned int n,
            int flags) {
  LibcBufferHold hold(LoadedMessages(msgs, n, "sendmmsg(2)"));
  if (LIKELY(PassThrough()))
    return REAL(sendmmsg)(fd, msgs, n, flags);
  return ReleaseFdThenCall<LoadedFromMessages>(&REAL(sendmmsg), fd, fd, msgs, n, flags);
}

INTERCEPTOR(int, eventfd_write, int fd, eventfd_t value) {
  if (LIKELY(PassThrough()))
    return REAL(eventfd_write)(fd, value);
  return ReleaseFdThenCall(&REAL(eventfd_write), fd, fd, value);
}

namespace __cgosan {

void InterceptFdIoFunctions() {
  CGOSAN_INTERCEPT(read);
  CGOSAN_INTERCEPT(__read_chk);
  CGOSAN_INTERCEPT(pread);
  CGOSAN_INTERCEPT(pread64);
  CGOSAN_INTERCEPT(__pread_chk);
  CGOSAN_INTERCEPT(readv);
  CGOSAN_INTERCEPT(preadv);
  CGOSAN_INTERCEPT(preadv64);
  CGOSAN_INTERCEPT(preadv2);
  CGOSAN_INTERCEPT(recv);
  CGOSAN_INTERCEPT(__recv_chk);
  CGOSAN_INTERCEPT(recvfrom);
  CGOSAN_INTERCEPT(recvmsg);
  CGOSAN_INTERCEPT(recvmmsg);
  CGOSAN_INTERCEPT(eventfd_read);
  CGOSAN_INTERCEPT(write);
  CGOSAN_INTERCEPT(pwrite);
  CGOSAN_INTERCEPT(pwrite64);
  CGOSAN_INTERCEPT(writev);
  CGOSAN_INTERCEPT(pwritev);
  CGOSAN_INTERCEPT(pwritev64);
  CGOSAN_INTERCEPT(pwritev2);
  CGOSAN_INTERCEPT(send);
  CGOSAN_INTERCEPT(sendto);
  CGOSAN_INTERCEPT(sendmsg);
  CGOSAN_INTERCEPT(sendmmsg);
  CGOSAN_INTERCEPT(eventfd_write);
}

}  // namespace __cgosan
