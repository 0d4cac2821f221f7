// retention_calls_helper.cpp — the retention helper's modes for the calls
// that hold a path or a structure (interceptors/pthread/retention_path_calls.cpp,
// retention_buffer_calls.cpp), stdio and POSIX aio (retention_kept_by_libc.cpp):
//   managed-calls  managed code hands each path and structure call a
//                  watched object (its page protected again before each
//                  call by an empty foreign call): prints every call that
//                  failed with EFAULT (none), then how many were made
//   managed-exec   managed code forks, and the child execve()s /bin/true
//                  with its argument and environment vectors, and their
//                  strings, in a watched object (exit 0: no EFAULT)
//   managed-stdio  managed code fputs, fprintf("%s") and fwrite a large
//                  watched object to an unbuffered and a buffered stream
//                  on a pipe, and a library fflush()es stdio's own buffer:
//                  every byte arrives, nothing is reported
//   stdio-fputs    a later call fputs the kept pointer (reported: libc's
//                  read of it, in the library's call)
//   aio-unpinned   managed code aio_read()s into an unpinned object
//                  (reported at the call), then waits for it
//   lio-unpinned   the same with lio_listio(LIO_NOWAIT)
//   aio-pinned     the object pinned until aio_return (silent)
//   aio-unpinned-early  pinned, but unpinned before aio_return (reported)
//   setvbuf-unpinned  managed code hands a stream an unpinned buffer
//                  (reported at the call), writes through it, closes it
//   setvbuf-pinned the buffer pinned until fclose (silent)
#include <aio.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "cgosan/cgosan.h"
#include "retention_watch_helper.h"

// The fortified entries of open and openat: declared by <fcntl.h> only
// under _FORTIFY_SOURCE.
extern "C" int __open_2(const char *path, int flags);
extern "C" int __open64_2(const char *path, int flags);
extern "C" int __openat_2(int dirfd, const char *path, int flags);
extern "C" int __openat64_2(int dirfd, const char *path, int flags);

namespace {

// An empty foreign call: the pages the last call opened are protected again
// when it starts.
void Nothing(void *) {}
void ProtectAgain() { cgosan_cgocall(Nothing, nullptr); }

long Result(long r) { return r < 0 ? -errno : r; }
long Closed(int fd) {
  if (fd < 0)
    return -errno;
  close(fd);
  return 0;
}
long Opened(FILE *f) {
  if (!f)
    return -errno;
  fclose(f);
  return 0;
}
long Made(const void *p) { return p ? 0 : -errno; }

// The watched object managed-calls hands over: a path under a directory that
// does not exist (every path call fails with ENOENT, after the kernel read
// it), a template, an xattr name, and room for what a call stores.
struct Watched {
  char path[64];
  char name[64];
  char templ[64];
  char scratch[256];
  char *path_vector[2];
  fd_set ready;  // the read end of a pipe with a byte in it
};
// Its room for what a call stores, as the call's structure.
template <typename T>
T *Scratch(Watched *o) {
  static_assert(sizeof(T) <= sizeof(o->scratch), "room");
  return reinterpret_cast<T *>(o->scratch);
}
const cgosan_type kWatched = {"struct Watched", sizeof(Watched), 0, nullptr, 0};
constexpr char kMissing[] = "/nonexistent-cgosan/x";
int pipe_fds[2];
int timer_fd;

#define CALL(name, expr) {#name, [](Watched *o) -> long { return expr; }}
struct ManagedCall {
  const char *name;
  long (*call)(Watched *o);
};
const ManagedCall kManagedCalls[] = {
    // retention_path_calls.cpp
    CALL(open, Closed(open(o->path, O_RDONLY))),
    CALL(open64, Closed(open64(o->path, O_WRONLY | O_CREAT, 0600))),
    CALL(openat, Closed(openat(AT_FDCWD, o->path, O_RDONLY))),
    CALL(openat64, Closed(openat64(AT_FDCWD, o->path, O_RDONLY))),
    CALL(__open_2, Closed(__open_2(o->path, O_RDONLY))),
    CALL(__open64_2, Closed(__open64_2(o->path, O_RDONLY))),
    CALL(__openat_2, Closed(__openat_2(AT_FDCWD, o->path, O_RDONLY))),
    CALL(__openat64_2, Closed(__openat64_2(AT_FDCWD, o->path, O_RDONLY))),
    CALL(creat, Closed(creat(o->path, 0600))),
    CALL(creat64, Closed(creat64(o->path, 0600))),
    CALL(fopen, Opened(fopen(o->path, "r"))),
    CALL(fopen64, Opened(fopen64(o->path, "r"))),
    CALL(freopen, Opened(freopen(o->path, "r", fopen("/dev/null", "r")))),
    CALL(freopen64, Opened(freopen64(o->path, "r", fopen("/dev/null", "r")))),
    CALL(opendir, Made(opendir(o->path))),
    CALL(access, Result(access(o->path, R_OK))),
    CALL(faccessat, Result(faccessat(AT_FDCWD, o->path, R_OK, 0))),
    CALL(euidaccess, Result(euidaccess(o->path, R_OK))),
    CALL(eaccess, Result(eaccess(o->path, R_OK))),
    CALL(unlink, Result(unlink(o->path))),
    CALL(unlinkat, Result(unlinkat(AT_FDCWD, o->path, 0))),
    CALL(remove, Result(remove(o->path))),
    CALL(mkdir, Result(mkdir(o->path, 0700))),
    CALL(mkdirat, Result(mkdirat(AT_FDCWD, o->path, 0700))),
    CALL(rmdir, Result(rmdir(o->path))),
    CALL(chdir, Result(chdir(o->path))),
    CALL(chroot, Result(chroot(o->path))),
    CALL(rename, Result(rename(o->path, o->path))),
    CALL(renameat, Result(renameat(AT_FDCWD, o->path, AT_FDCWD, o->path))),
    CALL(renameat2,
         Result(renameat2(AT_FDCWD, o->path, AT_FDCWD, o->path, 0))),
    CALL(link, Result(link(o->path, o->path))),
    CALL(linkat, Result(linkat(AT_FDCWD, o->path, AT_FDCWD, o->path, 0))),
    CALL(symlink, Result(symlink(o->path, o->path))),
    CALL(symlinkat, Result(symlinkat(o->path, AT_FDCWD, o->path))),
    CALL(mkstemp, Closed(mkstemp(o->templ))),
    CALL(mkstemp64, Closed(mkstemp64(o->templ))),
    CALL(mkostemp, Closed(mkostemp(o->templ, 0))),
    CALL(mkostemp64, Closed(mkostemp64(o->templ, 0))),
    CALL(mkstemps, Closed(mkstemps(o->templ, 0))),
    CALL(mkstemps64, Closed(mkstemps64(o->templ, 0))),
    CALL(mkostemps, Closed(mkostemps(o->templ, 0, 0))),
    CALL(mkostemps64, Closed(mkostemps64(o->templ, 0, 0))),
    CALL(mkdtemp, Made(mkdtemp(o->templ))),
    CALL(mknod, Result(mknod(o->path, S_IFIFO | 0600, 0))),
    CALL(mknodat, Result(mknodat(AT_FDCWD, o->path, S_IFIFO | 0600, 0))),
    CALL(mkfifo, Result(mkfifo(o->path, 0600))),
    CALL(mkfifoat, Result(mkfifoat(AT_FDCWD, o->path, 0600))),
    CALL(truncate, Result(truncate(o->path, 0))),
    CALL(truncate64, Result(truncate64(o->path, 0))),
    CALL(chmod, Result(chmod(o->path, 0600))),
    CALL(lchmod, Result(lchmod(o->path, 0600))),
    CALL(fchmodat, Result(fchmodat(AT_FDCWD, o->path, 0600, 0))),
    CALL(chown, Result(chown(o->path, getuid(), getgid()))),
    CALL(lchown, Result(lchown(o->path, getuid(), getgid()))),
    CALL(fchownat, Result(fchownat(AT_FDCWD, o->path, getuid(), getgid(), 0))),
    CALL(utime, Result(utime(o->path, nullptr))),
    CALL(utimes, Result(utimes(o->path, nullptr))),
    CALL(lutimes, Result(lutimes(o->path, nullptr))),
    CALL(futimesat, Result(futimesat(AT_FDCWD, o->path, nullptr))),
    CALL(utimensat, Result(utimensat(AT_FDCWD, o->path, nullptr, 0))),
    CALL(statvfs, Result(statvfs(o->path, Scratch<struct statvfs>(o)))),
    CALL(statvfs64, Result(statvfs64(o->path, Scratch<struct statvfs64>(o)))),
    CALL(statfs64, Result(statfs64(o->path, Scratch<struct statfs64>(o)))),
    CALL(fstatvfs, Result(fstatvfs(pipe_fds[0], Scratch<struct statvfs>(o)))),
    CALL(getxattr, Result(getxattr(o->path, o->name, o->scratch, 64))),
    CALL(lgetxattr, Result(lgetxattr(o->path, o->name, o->scratch, 64))),
    CALL(fgetxattr, Result(fgetxattr(pipe_fds[0], o->name, o->scratch, 64))),
    CALL(setxattr, Result(setxattr(o->path, o->name, o->scratch, 4, 0))),
    CALL(lsetxattr, Result(lsetxattr(o->path, o->name, o->scratch, 4, 0))),
    CALL(fsetxattr, Result(fsetxattr(pipe_fds[0], o->name, o->scratch, 4, 0))),
    CALL(listxattr, Result(listxattr(o->path, o->scratch, 64))),
    CALL(llistxattr, Result(llistxattr(o->path, o->scratch, 64))),
    CALL(removexattr, Result(removexattr(o->path, o->name))),
    CALL(lremovexattr, Result(lremovexattr(o->path, o->name))),
    CALL(fremovexattr, Result(fremovexattr(pipe_fds[0], o->name))),
    CALL(execve, Result(execve(o->path, o->path_vector, o->path_vector))),
    CALL(execv, Result(execv(o->path, o->path_vector))),
    CALL(execvp, Result(execvp(o->path, o->path_vector))),
    CALL(execvpe, Result(execvpe(o->path, o->path_vector, o->path_vector))),
    CALL(execveat, Result(execveat(AT_FDCWD, o->path, o->path_vector,
                                   o->path_vector, 0))),
    CALL(execl, Result(execl(o->path, o->path, nullptr))),
    CALL(execlp, Result(execlp(o->path, o->path, nullptr))),
    CALL(execle, Result(execle(o->path, o->path, nullptr, o->path_vector))),
    // retention_buffer_calls.cpp
    CALL(select, Result(select(pipe_fds[0] + 1, &o->ready, nullptr, nullptr,
                               nullptr))),
    CALL(pselect, Result(pselect(pipe_fds[0] + 1, &o->ready, nullptr, nullptr,
                                 nullptr, nullptr))),
    CALL(ioctl_FIONREAD, Result(ioctl(pipe_fds[0], FIONREAD, o->scratch))),
    CALL(getrlimit, Result(getrlimit(RLIMIT_NOFILE,
                                     Scratch<rlimit>(o)))),
    CALL(prlimit, Result(prlimit(0, RLIMIT_NOFILE, nullptr,
                                 Scratch<rlimit>(o)))),
    CALL(sigprocmask, Result(sigprocmask(SIG_BLOCK, nullptr,
                                         Scratch<sigset_t>(o)))),
    CALL(getitimer, Result(getitimer(ITIMER_REAL,
                                     Scratch<itimerval>(o)))),
    CALL(timerfd_gettime,
         Result(timerfd_gettime(timer_fd,
                                Scratch<itimerspec>(o)))),
};
#undef CALL

void ManagedCalls() {
  if (pipe(pipe_fds) || write(pipe_fds[1], "x", 1) != 1)
    return;
  timer_fd = timerfd_create(CLOCK_MONOTONIC, 0);
  Watched *o = static_cast<Watched *>(cgosan_new(&kWatched));
  strcpy(o->path, kMissing);
  strcpy(o->name, "user.cgosan");
  o->path_vector[0] = o->path;
  FD_SET(pipe_fds[0], &o->ready);
  Keep(reinterpret_cast<char *>(o));  // watched from here
  int efaults = 0;
  for (const ManagedCall &c : kManagedCalls) {
    strcpy(o->templ, "/nonexistent-cgosan/xXXXXXX");  // opens the page
    ProtectAgain();
    if (c.call(o) == -EFAULT) {
      fprintf(stderr, "EFAULT in %s\n", c.name);
      efaults++;
    }
  }
  fprintf(stderr, "managed calls: %zu made, %d failed with EFAULT\n",
          sizeof(kManagedCalls) / sizeof(kManagedCalls[0]), efaults);
}

// The vectors and their strings in a watched object, the path in C memory:
// the kernel reads them all before the new program runs.
struct ExecVectors {
  char arg0[16];
  char env0[16];
  char *argv[2];
  char *envp[2];
};
const cgosan_type kExecVectors = {"struct ExecVectors", sizeof(ExecVectors),
                                  0, nullptr, 0};

void ManagedExec() {
  ExecVectors *v = static_cast<ExecVectors *>(cgosan_new(&kExecVectors));
  strcpy(v->arg0, "true");
  strcpy(v->env0, "CGOSAN_X=1");
  v->argv[0] = v->arg0;
  v->envp[0] = v->env0;
  Keep(reinterpret_cast<char *>(v));  // watched from here
  ProtectAgain();
  pid_t child = fork();
  if (!child) {
    execve("/bin/true", v->argv, v->envp);
    _exit(errno == EFAULT ? 14 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  fprintf(stderr, "exec child exited %d\n",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

// A large text (more than stdio's buffer, more than printf's helper buffer
// of an unbuffered stream), watched.
constexpr size_t kTextBytes = 11999;
const cgosan_type kText = {"char[12000]", kTextBytes + 1, 0, nullptr, 0};

void LibFlush(void *file) { fflush(static_cast<FILE *>(file)); }

void ManagedStdio() {
  int fds[2];
  if (pipe(fds))
    return;
  char *text = static_cast<char *>(cgosan_new(&kText));
  memset(text, 'x', kTextBytes);
  Keep(text);  // watched from here
  FILE *unbuffered = fdopen(fds[1], "w");
  setvbuf(unbuffered, nullptr, _IONBF, 0);
  FILE *buffered = fdopen(dup(fds[1]), "w");
  ProtectAgain();
  fputs(text, unbuffered);
  ProtectAgain();
  fprintf(unbuffered, "%s", text);
  ProtectAgain();
  fputs(text, buffered);
  ProtectAgain();
  fprintf(buffered, "%s", text);
  ProtectAgain();
  fwrite(text, 1, kTextBytes, buffered);
  cgosan_cgocall(LibFlush, buffered);  // libc writes its own buffer
  int errors = ferror(unbuffered) + ferror(buffered);
  fclose(unbuffered);
  fclose(buffered);
  size_t got = 0, xs = 0;
  char chunk[4096];
  for (ssize_t n; (n = read(fds[0], chunk, sizeof(chunk))) > 0; got += n)
    for (ssize_t i = 0; i < n; i++) xs += chunk[i] == 'x';
  fprintf(stderr, "stdio moved %zu of %zu bytes (%zu right), errors %d\n",
          got, 5 * kTextBytes, xs, errors);
}

ssize_t fputs_result;
void LibFputsKept(void *) {
  FILE *f = fopen("/dev/null", "w");
  fputs_result = fputs(kept, f);
  fclose(f);
}

void StdioFputs() {
  static const cgosan_type kLine = {"char[64]", 64, 0, nullptr, 0};
  char *line = static_cast<char *>(cgosan_new(&kLine));
  strcpy(line, "a line");
  Keep(line);
  cgosan_cgocall(LibFputsKept, nullptr);
  fprintf(stderr, "fputs returned %zd\n", fputs_result);
}

// POSIX aio: managed code reads 3 bytes of a file into a managed object,
// through a request in C memory, and waits for it.
enum class Pin { kNone, kUntilReturn, kUntilSubmitted };
void ManagedAio(bool listio, Pin pin) {
  int fd = memfd_create("aio", 0);
  if (fd < 0 || write(fd, "abc", 3) != 3)
    return;
  char *buf = static_cast<char *>(cgosan_new(&kText));
  cgosan_pinner *pinner = cgosan_pinner_new();
  if (pin != Pin::kNone)
    cgosan_pin(pinner, buf);
  aiocb *request = static_cast<aiocb *>(calloc(1, sizeof(aiocb)));
  request->aio_fildes = fd;
  request->aio_buf = buf;
  request->aio_nbytes = 3;
  request->aio_lio_opcode = LIO_READ;
  aiocb *list[] = {request};
  int submitted = listio ? lio_listio(LIO_NOWAIT, list, 1, nullptr)
                         : aio_read(request);
  if (pin == Pin::kUntilSubmitted)
    cgosan_unpin(pinner);
  const aiocb *waiting[] = {request};
  while (!submitted && aio_error(request) == EINPROGRESS)
    aio_suspend(waiting, 1, nullptr);
  ssize_t got = aio_return(request);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "aio read %zd: %.3s\n", got, buf);
  free(request);
  close(fd);
}

// stdio keeps the buffer setvbuf hands it until fclose.
void ManagedSetvbuf(bool pinned) {
  static const cgosan_type kBuffer = {"char[512]", 512, 0, nullptr, 0};
  char *buf = static_cast<char *>(cgosan_new(&kBuffer));
  cgosan_pinner *pinner = cgosan_pinner_new();
  if (pinned)
    cgosan_pin(pinner, buf);
  FILE *f = fopen("/dev/null", "w");
  setvbuf(f, buf, _IOFBF, 512);
  fputs("through the managed buffer", f);
  fclose(f);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "stream closed\n");
}

}  // namespace

bool RunCallsMode(const char *mode) {
  static const struct {
    const char *mode;
    void (*run)();
  } kModes[] = {
      {"managed-calls", ManagedCalls},
      {"managed-exec", ManagedExec},
      {"managed-stdio", ManagedStdio},
      {"stdio-fputs", StdioFputs},
      {"aio-unpinned", [] { ManagedAio(false, Pin::kNone); }},
      {"lio-unpinned", [] { ManagedAio(true, Pin::kNone); }},
      {"aio-pinned", [] { ManagedAio(false, Pin::kUntilReturn); }},
      {"aio-unpinned-early", [] { ManagedAio(false, Pin::kUntilSubmitted); }},
      {"setvbuf-unpinned", [] { ManagedSetvbuf(false); }},
      {"setvbuf-pinned", [] { ManagedSetvbuf(true); }},
  };
  for (const auto &m : kModes) {
    if (!strcmp(mode, m.mode)) {
      m.run();
      return true;
    }
  }
  return false;
}
