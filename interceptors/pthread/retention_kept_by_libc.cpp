// retention_kept_by_libc.cpp — the libc calls that keep a buffer past their
// return. POSIX aio keeps what it is handed: aio_read,
// aio_write, aio_fsync and lio_listio(LIO_NOWAIT) return at once, and
// libc's helper thread reads the aiocb and moves the bytes at aio_buf
// later, then stores the result into the aiocb, until aio_return collects
// it. That is rule 2's keeping by definition: managed code handing an
// unpinned object there (the aiocb or its buffer) is reported at the call,
// as an annotated `retains` is (check_retention.cpp: "aio_read retains
// argument 1's aio_buf until aio_return, and it points into an unpinned
// managed object"); a pinned one is recorded until aio_return, so that its
// unpin before is reported too ("unpinned while still retained").
// Foreign code's call is not judged there: a library may wait for its
// request (aio_suspend) before the call that lent it the buffer returns,
// which is legal; what it hands over that it kept from an earlier call is
// its access, held and reported as read's is (retention_libc.cpp), and so
// are lio_listio(LIO_WAIT)'s requests, whose I/O runs while the call waits.
// Not seen: the helper's own system calls (libc's internal pread/pwrite,
// no interceptor's), so a request whose buffer is watched when the helper
// runs fails with EFAULT (aio_error says so) and nothing is reported: only
// after a report already made at the call, or by foreign code after the
// call that lent the buffer returned (docs/design-notes.md). A SIGEV_THREAD
// notification's sival_ptr is handed to a libc thread: not judged.
// stdio keeps the buffer setvbuf, setbuffer or setbuf hands it until
// fclose, and its flushes write(2) it from inside libc: the same judgement
// at the call ("setvbuf retains argument 2 until fclose").
// Cost: retention=off, a load and a branch; otherwise a FindObject per
// managed pointer a managed caller hands over, and the holds' cost.
#include <aio.h>
#include <stdio.h>

#include "retention_buffer_calls.h"
#include "retention_table.h"

namespace __cgosan {
namespace {

const char *const kUntilAioReturn[] = {"aio_return", "aio_return64", nullptr};
const char *const kUntilFclose[] = {"fclose", nullptr};

// Managed code hands a stream its buffer (argument 2 of callee).
void CheckStreamBuffer(FILE *file, char *buf, const char *callee) {
  if (InManaged() && buf)
    CheckRetainedField(buf, file, callee, 2, nullptr, "fclose", kUntilFclose);
}

// Managed code hands libc one request, argument argno of callee (or, with
// in_list, an element of it): the aiocb and its buffer are kept until
// aio_return.
template <typename Aiocb>
void CheckKeptRequest(const Aiocb *cb, const char *callee, int argno,
                      bool in_list, bool has_buffer) {
  if (!InManaged() || !cb)
    return;  // foreign code may wait for it before its call returns
  CheckRetainedField(cb, cb, callee, argno, in_list ? "aiocb" : nullptr,
                     "aio_return", kUntilAioReturn);
  if (has_buffer)
    CheckRetainedField(const_cast<void *>(cb->aio_buf), cb, callee, argno,
                       "aio_buf", "aio_return", kUntilAioReturn);
}

// aio_read and aio_write: the aiocb is held first (libc reads it, its
// helper stores the result into it), then its buffer, which the helper
// moves: stores tells which way.
template <typename Aiocb>
int Submit(int (*real)(Aiocb *), Aiocb *cb, bool stores, const char *callee,
           const char *call) {
  LibcBufferHold held_request(Stored(cb, cb ? sizeof(*cb) : 0, call));
  void *buf = cb ? const_cast<void *>(cb->aio_buf) : nullptr;
  uptr n = cb ? cb->aio_nbytes : 0;
  LibcBufferHold held_buffer(stores ? Stored(buf, n, call)
                                    : Loaded(buf, n, call));
  CheckKeptRequest(cb, callee, 1, false, true);
  return real(cb);
}

template <typename Aiocb>
int SubmitList(int (*real)(int, Aiocb *const *, int, sigevent *), int mode,
               Aiocb *const *list, int count, sigevent *event,
               const char *callee) {
  LibcBufferHold held(AioRequests(reinterpret_cast<const void *const *>(list),
                                  count, "lio_listio(3)"));
  if (mode == LIO_NOWAIT && list) {
    for (int i = 0; i < count; i++) {
      if (list[i] && list[i]->aio_lio_opcode != LIO_NOP)
        CheckKeptRequest(list[i], callee, 2, true, true);
    }
  }
  return real(mode, list, count, event);
}

}  // namespace
}  // namespace __cgosan

using namespace __cgosan;

INTERCEPTOR(int, aio_read, struct aiocb *cb) {
  return Submit(REAL(aio_read), cb, true, "aio_read", "aio_read(3)");
}
INTERCEPTOR(int, aio_read64, struct aiocb64 *cb) {
  return Submit(REAL(aio_read64), cb, true, "aio_read64", "aio_read(3)");
}
INTERCEPTOR(int, aio_write, struct aiocb *cb) {
  return Submit(REAL(aio_write), cb, false, "aio_write", "aio_write(3)");
}
INTERCEPTOR(int, aio_write64, struct aiocb64 *cb) {
  return Submit(REAL(aio_write64), cb, false, "aio_write64", "aio_write(3)");
}
// aio_fsync keeps the aiocb only.
INTERCEPTOR(int, aio_fsync, int op, struct aiocb *cb) {
  CheckKeptRequest(cb, "aio_fsync", 2, false, false);
  return REAL(aio_fsync)(op, cb);
}
INTERCEPTOR(int, aio_fsync64, int op, struct aiocb64 *cb) {
  CheckKeptRequest(cb, "aio_fsync64", 2, false, false);
  return REAL(aio_fsync64)(op, cb);
}
INTERCEPTOR(int, lio_listio, int mode, struct aiocb *const *list, int count,
            struct sigevent *event) {
  return SubmitList(REAL(lio_listio), mode, list, count, event, "lio_listio");
}
INTERCEPTOR(int, lio_listio64, int mode, struct aiocb64 *const *list,
            int count, struct sigevent *event) {
  return SubmitList(REAL(lio_listio64), mode, list, count, event,
                    "lio_listio64");
}
// The request is over: libc keeps nothing of it any more.
INTERCEPTOR(ssize_t, aio_return, struct aiocb *cb) {
  EndRetentions(reinterpret_cast<uptr>(cb), "aio_return");
  return REAL(aio_return)(cb);
}
INTERCEPTOR(ssize_t, aio_return64, struct aiocb64 *cb) {
  EndRetentions(reinterpret_cast<uptr>(cb), "aio_return64");
  return REAL(aio_return64)(cb);
}

INTERCEPTOR(int, setvbuf, FILE *file, char *buf, int mode, size_t size) {
  if (mode != _IONBF)
    CheckStreamBuffer(file, buf, "setvbuf");
  return REAL(setvbuf)(file, buf, mode, size);
}
INTERCEPTOR(void, setbuffer, FILE *file, char *buf, size_t size) {
  CheckStreamBuffer(file, buf, "setbuffer");
  REAL(setbuffer)(file, buf, size);
}
INTERCEPTOR(void, setbuf, FILE *file, char *buf) {
  CheckStreamBuffer(file, buf, "setbuf");
  REAL(setbuf)(file, buf);
}

namespace __cgosan {

void InterceptKeptByLibcCalls() {
  CGOSAN_INTERCEPT(aio_read);
  CGOSAN_INTERCEPT(aio_read64);
  CGOSAN_INTERCEPT(aio_write);
  CGOSAN_INTERCEPT(aio_write64);
  CGOSAN_INTERCEPT(aio_fsync);
  CGOSAN_INTERCEPT(aio_fsync64);
  CGOSAN_INTERCEPT(lio_listio);
  CGOSAN_INTERCEPT(lio_listio64);
  CGOSAN_INTERCEPT(aio_return);
  CGOSAN_INTERCEPT(aio_return64);
  CGOSAN_INTERCEPT(setvbuf);
  CGOSAN_INTERCEPT(setbuffer);
  CGOSAN_INTERCEPT(setbuf);
}

}  // namespace __cgosan
