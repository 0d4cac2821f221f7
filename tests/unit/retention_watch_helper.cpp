// retention_watch_helper.cpp — a program the retention tests run as a child with
// CGOSAN_OPTIONS=retention=full (retention_watch_test.cpp): a small "library"
// (plain C functions called through cgosan_cgocall after cgosan_check_arg,
// as a pass or an interposer would) keeps the pointer it was handed, and the
// mode picks what happens next:
//   kept-read      a later call reads the kept pointer (retained-pointer)
//   kept-large     kept-read with an object of 20000 bytes
//   kept-write     a later call writes it (with halt_on_error=0 the write
//                  lands and the program goes on)
//   repass         a later call handed the object again reads it (silent),
//                  then one that was not reads it (reported)
//   pinned         pinned before the lend, read later (silent)
//   pinned-after   pinned after the lend, read later (silent)
//   managed        managed code reads and writes the lent object (silent)
//   neighbour      a later call read(2)s into, then reads, an object
//                  sharing the lent object's page, handed to it (silent)
//   thread         a library thread writes the kept pointer (reported)
//   freed          the collector frees the lent object, then a later call
//                  reads it (reported, freed by collection 1)
//   freed-later    the same read three collections after the one that
//                  freed it (reported, freed by collection 1: its slot
//                  stays quarantined while it is watched)
//   chain          a fault that is not retention's goes to the program's
//                  own SIGSEGV handler (installed before cgosan's), and a
//                  retention fault after it is still reported
//   noescape-broken  lib_keep promised noescape (cgosan_lend_noescape) and
//                  keeps its argument; a later call reads it (reported,
//                  naming the promise)
//   noescape-kept  lib_sum promised noescape and keeps it: it reads its
//                  argument during the call only; later calls and managed
//                  code touch nothing watched (silent)
//   kept-movs      a later call copies the kept bytes with rep movsb, one
//                  instruction over a range (reported, size unknown)
//   syscall-write  a later call write(2)s the kept pointer (reported; with
//                  halt_on_error=0 the write succeeds, no EFAULT)
//   syscall-read   a later call read(2)s into it (the same)
//   syscall-readv  a later call readv(2)s into it through an iovec
//   syscall-sendmsg a later call sendmsg(2)s it through a msghdr's iovec
//   syscall-fwrite a later call fwrite(3)s it to an unbuffered stream
//                  (libc's own write underneath)
//   syscall-fstat, syscall-getsockopt, syscall-getdents64
//                  a later call has the kernel store into it through
//                  another call (retention_buffer_calls.cpp's table)
//   syscall-stat   a later call stat(2)s the path it kept
//   syscall-open, syscall-select, syscall-ioctl, syscall-lio_listio
//                  a later call open(2)s the path it kept, select(2)s with
//                  it as an fd set, has ioctl(FIONREAD) store into it, or
//                  has lio_listio(LIO_WAIT)'s helper thread read into it
//   the modes of retention_calls_helper.cpp (RunCallsMode)
//   managed-fstat  managed code fstat(2)s into the object it lent (silent,
//                  no EFAULT)
//   managed-stat   managed code stat(2)s the path it lent (the same)
//   managed-write  managed code write(2)s the object it lent (silent)
//   unpinned       pinned, lent, read by a later call (silent), unpinned,
//                  read by the next (reported: the pin ended the keeping)
//   bad-vectors    a call hands readv, writev, sendmsg, recvmsg and sendmmsg
//                  a bad iovec array or header: each fails with EFAULT, as
//                  without the checker (no crash in the interceptor)
//   signal-write   a signal handler write(2)s the watched object while its
//                  thread holds the watch table's lock: the call returns
//                  (EFAULT: nothing can open the page), no deadlock; an
//                  alarm ends the process if it hangs
//   repass-loop    one object handed to 100 calls in a row, each reading it
//                  (silent; with verbosity=1, one page protection: at the
//                  G's end, the watch having waited for each next call)
//   thread-waiting a library thread, started by an earlier call, writes the
//                  kept pointer while managed code waits for it, with no
//                  foreign call between the return and the write (reported)
//   other-g        the same read by another G's foreign call (reported)
//   thread-new     managed code itself creates a thread that writes the
//                  kept pointer, right after the lending call (reported)
//   callback       a callback lends the object to a call, then returns to
//                  the foreign code that called it, which reads it (reported)
//   after-run      the G lends the object and ends; main, foreign code,
//                  reads it after cgosan_run returns (reported)
// Each prints "done reports=N" at the end when it gets there.
#include <aio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hooks.h"
#include "report.h"
#include "retention_watch_helper.h"

#define NOINLINE __attribute__((noinline))

static const cgosan_type kBytes = {"char[64]", 64, 0, nullptr, 0};
// Room for what the kernel stores through the other calls (a struct stat).
static const cgosan_type kRecord = {"char[512]", 512, 0, nullptr, 0};

// --- The library: foreign code ------------------------------------------------
char *volatile kept;  // what it keeps from lib_keep's argument
static volatile char sink;

static void LibKeep(void *frame) { kept = *static_cast<char **>(frame); }
NOINLINE static void LibReadKept(void *) { sink = kept[3]; }
NOINLINE static void LibWriteKept(void *) { kept[5] = 'w'; }
struct ReadInto {
  char *buf;
  ssize_t got;
};
static void LibReadArg(void *frame) {
  ReadInto *r = static_cast<ReadInto *>(frame);
  int fds[2];
  if (pipe(fds))
    return;
  if (write(fds[1], "abc", 3) != 3)
    return;
  // The kernel writes the managed buffer first: a protected page would be
  // EFAULT here, not a fault the runtime sees.
  r->got = read(fds[0], r->buf, 3);
  sink = r->buf[0];
  close(fds[0]);
  close(fds[1]);
}
static void LibSum(void *frame) {
  const char *p = *static_cast<char **>(frame);
  sink = static_cast<char>(p[0] + p[1]);
}
NOINLINE static void LibCopyKeptWithMovs(void *) {
  char out[4];
  const char *src = kept;
  char *dst = out;
  unsigned long n = sizeof(out);
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
  sink = out[0];
}
static void *LibThreadWrites(void *) {
  kept[7] = 't';
  return nullptr;
}
static void LibStartThread(void *) {
  pthread_t t;
  pthread_create(&t, nullptr, LibThreadWrites, nullptr);
  pthread_join(t, nullptr);
}

// The system calls a library makes on the kept pointer, into or out of a
// pipe: what each returned (or -errno) is printed by the program after.
static ssize_t syscall_result;
static int PipeWith(const char *bytes, int fds[2]) {
  if (pipe(fds))
    return -1;
  return write(fds[1], bytes, strlen(bytes)) < 0 ? -1 : 0;
}
static ssize_t ResultOf(ssize_t r) { return r < 0 ? -errno : r; }
NOINLINE static void LibWriteKeptToPipe(void *) {
  int fds[2];
  if (PipeWith("", fds))
    return;
  syscall_result = ResultOf(write(fds[1], kept, 64));
}
NOINLINE static void LibReadPipeIntoKept(void *) {
  int fds[2];
  if (PipeWith("abc", fds))
    return;
  syscall_result = ResultOf(read(fds[0], kept, 3));
}
NOINLINE static void LibReadvPipeIntoKept(void *) {
  int fds[2];
  if (PipeWith("abc", fds))
    return;
  struct iovec iov = {kept, 3};
  syscall_result = ResultOf(readv(fds[0], &iov, 1));
}
NOINLINE static void LibSendmsgKept(void *) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
    return;
  struct iovec iov = {kept, 64};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  syscall_result = ResultOf(sendmsg(fds[0], &msg, 0));
}
// Addresses the kernel answers with EFAULT: the first page is never mapped.
static void *const kBadAddress = reinterpret_cast<void *>(0x10);
NOINLINE static void LibCallsWithBadVectors(void *) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
    return;
  const iovec *bad_iov = static_cast<const iovec *>(kBadAddress);
  fprintf(stderr, "readv %zd\n", ResultOf(readv(fds[0], bad_iov, 1)));
  fprintf(stderr, "writev %zd\n", ResultOf(writev(fds[1], bad_iov, 1)));
  fprintf(stderr, "sendmsg %zd\n",
          ResultOf(sendmsg(fds[1], static_cast<msghdr *>(kBadAddress), 0)));
  struct msghdr msg = {};
  msg.msg_iov = static_cast<iovec *>(kBadAddress);
  msg.msg_iovlen = 1;
  fprintf(stderr, "recvmsg %zd\n",
          ResultOf(recvmsg(fds[0], &msg, MSG_DONTWAIT)));
  fprintf(stderr, "sendmmsg %zd\n",
          ResultOf(sendmmsg(fds[1], static_cast<mmsghdr *>(kBadAddress), 1, 0)));
  close(fds[0]);
  close(fds[1]);
}
NOINLINE static void LibFstatIntoKept(void *) {
  int fds[2];
  if (PipeWith("", fds))
    return;
  syscall_result = ResultOf(fstat(fds[0], reinterpret_cast<struct stat *>(kept)));
}
NOINLINE static void LibStatKeptPath(void *) {
  struct stat st;
  syscall_result = ResultOf(stat(kept, &st));
}
NOINLINE static void LibGetsockoptIntoKept(void *) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
    return;
  socklen_t len = sizeof(int);
  syscall_result = ResultOf(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, kept, &len));
}
NOINLINE static void LibGetdentsIntoKept(void *) {
  int fd = open("/", O_RDONLY | O_DIRECTORY);
  // Room for one entry at least: the kernel fills 64 bytes with what fits.
  syscall_result = ResultOf(getdents64(fd, kept, 64));
  close(fd);
}
NOINLINE static void LibOpenKeptPath(void *) {
  int fd = open(kept, O_RDONLY);
  syscall_result = ResultOf(fd);
  if (fd >= 0)
    close(fd);
}
// select's fd set: the kept object holds one, the read end of a pipe with a
// byte to read (set by the program before it lent the object).
static int select_fds[2];
static void SetSelectFds(char *buf) {
  if (PipeWith("x", select_fds))
    return;
  memset(buf, 0, sizeof(fd_set));
  FD_SET(select_fds[0], reinterpret_cast<fd_set *>(buf));
}
NOINLINE static void LibSelectKept(void *) {
  struct timeval now = {0, 0};
  syscall_result = ResultOf(select(select_fds[0] + 1,
                                   reinterpret_cast<fd_set *>(kept), nullptr,
                                   nullptr, &now));
}
NOINLINE static void LibIoctlIntoKept(void *) {
  int fds[2];
  if (PipeWith("abc", fds))
    return;
  syscall_result = ResultOf(ioctl(fds[0], FIONREAD, kept));  // no size in it
}
// lio_listio(LIO_WAIT): libc's helper thread reads into the kept pointer
// while the call waits.
NOINLINE static void LibListioIntoKept(void *) {
  int fd = memfd_create("lio", 0);
  if (fd < 0 || write(fd, "abc", 3) != 3)
    return;
  struct aiocb request = {};
  request.aio_fildes = fd;
  request.aio_buf = kept;
  request.aio_nbytes = 3;
  request.aio_lio_opcode = LIO_READ;
  struct aiocb *list[] = {&request};
  syscall_result = ResultOf(lio_listio(LIO_WAIT, list, 1, nullptr));
  if (!syscall_result)
    syscall_result = aio_return(&request);
  close(fd);
}
NOINLINE static void LibFwriteKept(void *) {
  int fds[2];
  if (PipeWith("", fds))
    return;
  FILE *f = fdopen(fds[1], "w");
  setvbuf(f, nullptr, _IONBF, 0);
  syscall_result = fwrite(kept, 1, 64, f) == 64 ? 64 : -ferror(f);
  fclose(f);
}

// A library thread that writes the kept pointer when told, and says so.
static volatile int tell_thread, thread_done;
static void *LibThreadWritesWhenTold(void *) {
  while (!__atomic_load_n(&tell_thread, __ATOMIC_ACQUIRE)) sched_yield();
  kept[7] = 't';
  __atomic_store_n(&thread_done, 1, __ATOMIC_RELEASE);
  return nullptr;
}
static pthread_t waiting_thread;
static void LibStartWaitingThread(void *) {
  pthread_create(&waiting_thread, nullptr, LibThreadWritesWhenTold, nullptr);
}
static void LibNothing(void *) {}
NOINLINE static void LibWaitThenReadKept(void *) {
  while (!__atomic_load_n(&tell_thread, __ATOMIC_ACQUIRE)) sched_yield();
  sink = kept[3];
  __atomic_store_n(&thread_done, 1, __ATOMIC_RELEASE);
}

// --- The program's own SIGSEGV handler, installed before cgosan's --------------
static sigjmp_buf recover;
static void ProgramSegvHandler(int, siginfo_t *, void *) { siglongjmp(recover, 1); }
__attribute__((constructor(101))) static void InstallProgramSegvHandler() {
  struct sigaction sa = {};
  sa.sa_sigaction = ProgramSegvHandler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, nullptr);
}

// --- A signal handler writing a watched object -----------------------------------
static int signal_pipe[2];
static void WriteKeptOnSignal(int) {
  syscall_result = ResultOf(write(signal_pipe[1], kept, 64));
}

// --- The program: managed code --------------------------------------------------
NOINLINE void Keep(char *p) {
  cgosan_check_arg(p, nullptr, "lib_keep", 1);
  cgosan_cgocall(LibKeep, &p);
}
NOINLINE static void ReadKept() { cgosan_cgocall(LibReadKept, nullptr); }
// As the interposer and the pass call a function that promised noescape:
// the argument's check, then its lend with the promise.
NOINLINE static void KeepNoescape(char *p) {
  cgosan_check_arg(p, nullptr, "lib_keep", 1);
  cgosan_lend_noescape(p, "lib_keep", 1);
  cgosan_cgocall(LibKeep, &p);
}
NOINLINE static void SumNoescape(char *p) {
  cgosan_lend_noescape(p, "lib_sum", 1);
  cgosan_cgocall(LibSum, &p);
}
NOINLINE static void UseAgain(char *p) {
  cgosan_check_arg(p, nullptr, "lib_use", 1);
  cgosan_cgocall(LibReadKept, nullptr);
}
NOINLINE static char *NewBytes() { return static_cast<char *>(cgosan_new(&kBytes)); }
NOINLINE static void KeepATemporary() { Keep(NewBytes()); }
// A foreign call that touches nothing: the watch of what was lent before it
// has begun at the latest when it starts.
NOINLINE static void CallNothing() { cgosan_cgocall(LibNothing, nullptr); }
// Managed code waits for the library's thread, with no foreign call.
static void WaitForTheThread() {
  __atomic_store_n(&tell_thread, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&thread_done, __ATOMIC_ACQUIRE)) {
  }
}
static void OtherG(void *) { cgosan_cgocall(LibWaitThenReadKept, nullptr); }
static void *RunOtherG(void *) {
  cgosan_run(OtherG, nullptr);
  return nullptr;
}
static char *callback_buf;
static void KeepInCallback(void *) { Keep(callback_buf); }
NOINLINE static void LibCallsBackThenReadsKept(void *) {
  cgosan_cgocallback(KeepInCallback, nullptr);
  sink = kept[3];
}
NOINLINE static void ClobberStack() {
  volatile char junk[4096];
  memset(const_cast<char *>(junk), 0, sizeof(junk));
}

static void Body(void *arg) {
  const char *mode = static_cast<const char *>(arg);
  char *buf = NewBytes();
  if (!strcmp(mode, "kept-read")) {
    Keep(buf);
    ReadKept();
  } else if (!strcmp(mode, "kept-large")) {
    static const cgosan_type kLarge = {"char[20000]", 20000, 0, nullptr, 0};
    Keep(static_cast<char *>(cgosan_new(&kLarge)));
    ReadKept();
  } else if (!strcmp(mode, "kept-write")) {
    Keep(buf);
    cgosan_cgocall(LibWriteKept, nullptr);
    fprintf(stderr, "the write landed: %c\n", buf[5]);
  } else if (!strcmp(mode, "repass")) {
    Keep(buf);
    UseAgain(buf);
    fprintf(stderr, "re-passed\n");
    ReadKept();
  } else if (!strcmp(mode, "repass-loop")) {
    Keep(buf);
    for (int i = 0; i < 100; i++) UseAgain(buf);
    fprintf(stderr, "re-passed 100 times\n");
  } else if (!strcmp(mode, "thread-waiting")) {
    cgosan_cgocall(LibStartWaitingThread, nullptr);
    Keep(buf);
    WaitForTheThread();
  } else if (!strcmp(mode, "other-g")) {
    pthread_t t;
    pthread_create(&t, nullptr, RunOtherG, nullptr);
    Keep(buf);
    WaitForTheThread();
    pthread_join(t, nullptr);
  } else if (!strcmp(mode, "thread-new")) {
    Keep(buf);
    pthread_t t;
    pthread_create(&t, nullptr, LibThreadWrites, nullptr);
    pthread_join(t, nullptr);
  } else if (!strcmp(mode, "callback")) {
    callback_buf = buf;
    cgosan_cgocall(LibCallsBackThenReadsKept, nullptr);
  } else if (!strcmp(mode, "after-run")) {
    Keep(buf);
  } else if (!strcmp(mode, "pinned") || !strcmp(mode, "pinned-after")) {
    bool before = !strcmp(mode, "pinned");
    cgosan_pinner *pinner = cgosan_pinner_new();
    if (before)
      cgosan_pin(pinner, buf);
    Keep(buf);
    if (!before)
      cgosan_pin(pinner, buf);
    ReadKept();
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
  } else if (!strcmp(mode, "managed")) {
    Keep(buf);
    CallNothing();
    buf[1] = 'm';
    sink = buf[2];
    cgosan_gc();
    fprintf(stderr, "managed code used it: %c\n", buf[1]);
  } else if (!strcmp(mode, "neighbour")) {
    ReadInto r = {NewBytes(), -1};
    Keep(buf);
    cgosan_check_arg(r.buf, nullptr, "lib_read_into", 1);
    cgosan_cgocall(LibReadArg, &r);
    fprintf(stderr, "same page: %d, read %zd: %.3s\n",
            (int)((reinterpret_cast<uintptr_t>(r.buf) ^
                   reinterpret_cast<uintptr_t>(buf)) < 4096),
            r.got, r.buf);
  } else if (!strcmp(mode, "thread")) {
    Keep(buf);
    cgosan_cgocall(LibStartThread, nullptr);
  } else if (!strcmp(mode, "chain")) {
    if (!sigsetjmp(recover, 1))
      *static_cast<volatile int *>(nullptr) = 1;  // the program's own fault
    fprintf(stderr, "the program's handler ran\n");
    Keep(buf);
    ReadKept();
  } else if (!strcmp(mode, "noescape-broken")) {
    KeepNoescape(buf);
    ReadKept();
  } else if (!strcmp(mode, "noescape-kept")) {
    SumNoescape(buf);
    SumNoescape(buf);
    buf[1] = 'm';
    cgosan_gc();
    SumNoescape(NewBytes());  // a later call, on a neighbour maybe
    fprintf(stderr, "managed code used it: %c\n", buf[1]);
  } else if (!strcmp(mode, "kept-movs")) {
    Keep(buf);
    cgosan_cgocall(LibCopyKeptWithMovs, nullptr);
  } else if (!strncmp(mode, "syscall-", 8)) {
    static const struct {
      const char *mode;
      void (*lib)(void *);
      bool text;  // the buffer holds text after the call
      void (*prepare)(char *buf);  // before it is lent
    } kCalls[] = {
        {"syscall-write", LibWriteKeptToPipe, true, nullptr},
        {"syscall-read", LibReadPipeIntoKept, true, nullptr},
        {"syscall-readv", LibReadvPipeIntoKept, true, nullptr},
        {"syscall-sendmsg", LibSendmsgKept, true, nullptr},
        {"syscall-fwrite", LibFwriteKept, true, nullptr},
        {"syscall-fstat", LibFstatIntoKept, false, nullptr},
        {"syscall-getsockopt", LibGetsockoptIntoKept, false, nullptr},
        {"syscall-getdents64", LibGetdentsIntoKept, false, nullptr},
        {"syscall-stat", LibStatKeptPath, false, nullptr},
        {"syscall-open", LibOpenKeptPath, false, nullptr},
        {"syscall-select", LibSelectKept, false, SetSelectFds},
        {"syscall-ioctl", LibIoctlIntoKept, false, nullptr},
        {"syscall-lio_listio", LibListioIntoKept, true, nullptr},
    };
    for (const auto &c : kCalls) {
      if (strcmp(mode, c.mode))
        continue;
      if (!c.text) {
        buf = static_cast<char *>(cgosan_new(&kRecord));
        buf[0] = '/';  // a path, for the calls that take one
      }
      if (c.prepare)
        c.prepare(buf);
      Keep(buf);
      cgosan_cgocall(c.lib, nullptr);
      if (c.text)
        fprintf(stderr, "%s returned %zd: %.3s\n", mode, syscall_result, buf);
      else
        fprintf(stderr, "%s returned %zd\n", mode, syscall_result);
    }
  } else if (!strcmp(mode, "managed-stat")) {
    struct stat st;
    buf[0] = '/';
    Keep(buf);
    CallNothing();  // watched from here: its page is protected
    fprintf(stderr, "managed stat returned %zd\n", ResultOf(stat(buf, &st)));
  } else if (!strcmp(mode, "managed-fstat")) {
    int fds[2];
    buf = static_cast<char *>(cgosan_new(&kRecord));
    Keep(buf);
    CallNothing();  // watched from here: its page is protected
    if (!pipe(fds))
      fprintf(stderr, "managed fstat returned %zd\n",
              ResultOf(fstat(fds[0], reinterpret_cast<struct stat *>(buf))));
  } else if (!strcmp(mode, "managed-write")) {
    int fds[2];
    Keep(buf);
    CallNothing();  // watched from here: its page is protected
    if (!pipe(fds))
      fprintf(stderr, "managed write returned %zd\n",
              ResultOf(write(fds[1], buf, 64)));
  } else if (!strcmp(mode, "unpinned")) {
    cgosan_pinner *pinner = cgosan_pinner_new();
    cgosan_pin(pinner, buf);
    Keep(buf);
    ReadKept();
    fprintf(stderr, "read while pinned\n");
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
    ReadKept();
  } else if (!strcmp(mode, "freed") || !strcmp(mode, "freed-later")) {
    KeepATemporary();
    ClobberStack();
    cgosan_gc();
    if (!strcmp(mode, "freed-later")) {
      cgosan_gc();
      cgosan_gc();
      cgosan_gc();
    }
    ReadKept();
  } else if (!strcmp(mode, "bad-vectors")) {
    if (sigsetjmp(recover, 1)) {
      fprintf(stderr, "crashed in a call\n");
      return;
    }
    cgosan_cgocall(LibCallsWithBadVectors, nullptr);
  } else if (RunCallsMode(mode)) {
  } else if (!strcmp(mode, "signal-write")) {
    alarm(10);  // a deadlock ends here
    Keep(buf);  // kept = buf
    CallNothing();  // watched from here: its page is protected
    signal(SIGUSR1, WriteKeptOnSignal);
    if (pipe(signal_pipe))
      return;
    const __cgosan::ForkLocks &watch_lock =
        __cgosan::hooks.fork_locks[__cgosan::kForkLocksRetentionWatch];
    watch_lock.lock();  // as any of the table's users holds it
    raise(SIGUSR1);
    watch_lock.unlock(false);
    fprintf(stderr, "the handler's write returned %zd\n", syscall_result);
  }
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  cgosan_run(Body, argv[1]);
  if (!strcmp(argv[1], "after-run"))
    LibReadKept(nullptr);  // main is foreign code
  fprintf(stderr, "done reports=%zu\n", (size_t)__cgosan::ReportCount());
  return 0;
}
