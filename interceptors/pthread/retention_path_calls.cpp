// retention_path_calls.cpp — the libc calls that hand the kernel a path
// (open, fopen, opendir, creat, the *at forms, chmod and chown, link and
// symlink, utimes, statvfs, mknod, the xattr family, mkstemp's template,
// exec's path and vectors...). The kernel reads a path up to its NUL, and
// with retention=full or guard a watched object's page is protected: the
// kernel meeting one answers EFAULT, the call fails and nobody is told.
// So each interceptor holds its path's pages open for the call (what read
// and write do for their buffers, checkers/retention_libc.cpp), and a
// watched object that foreign code hands over is the report, the call
// being its access ("a read of size 12 by foreign code in open(2)").
// Nothing else: every call is the real one, with the caller's arguments.
// Allowed on purpose: managed code's paths (their pages are opened,
// counted as faults are), memory outside the arena (never watched).
// Not here: realpath (it copies the path into its own buffer and makes its
// system calls on that; its reads of the caller's path are instructions,
// which fault like the caller's own), and what a path reaches through
// another call (popen's command, handed to a shell in a child).
// Cost: off retention=full|guard, one load and a branch at each end of the
// call, per path; the holds' cost otherwise (retention_libc.cpp).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "retention_buffer_calls.h"

using namespace __cgosan;

// X(result, name, (parameters), (arguments), (buffers held)): one line a
// call (retention_buffer_calls.h). A "path" is what the kernel reads up to
// its NUL (LoadedPath): the file's, the xattr's name, each string of exec's
// vectors.
#define CGOSAN_PATH_CALLS(X)                                                   \
  X(int, access, (const char *path, int mode), (path, mode),                   \
    (LoadedPath(path, "access(2)")))                                           \
  X(int, faccessat, (int dirfd, const char *path, int mode, int flags),        \
    (dirfd, path, mode, flags), (LoadedPath(path, "faccessat(2)")))            \
  X(int, euidaccess, (const char *path, int mode), (path, mode),               \
    (LoadedPath(path, "euidaccess(3)")))                                       \
  X(int, eaccess, (const char *path, int mode), (path, mode),                  \
    (LoadedPath(path, "eaccess(3)")))                                          \
  X(int, unlink, (const char *path), (path), (LoadedPath(path, "unlink(2)")))  \
  X(int, unlinkat, (int dirfd, const char *path, int flags),                   \
    (dirfd, path, flags), (LoadedPath(path, "unlinkat(2)")))                   \
  X(int, remove, (const char *path), (path), (LoadedPath(path, "remove(3)")))  \
  X(int, mkdir, (const char *path, mode_t mode), (path, mode),                 \
    (LoadedPath(path, "mkdir(2)")))                                            \
  X(int, mkdirat, (int dirfd, const char *path, mode_t mode),                  \
    (dirfd, path, mode), (LoadedPath(path, "mkdirat(2)")))                     \
  X(int, rmdir, (const char *path), (path), (LoadedPath(path, "rmdir(2)")))    \
  X(int, chdir, (const char *path), (path), (LoadedPath(path, "chdir(2)")))    \
  X(int, chroot, (const char *path), (path), (LoadedPath(path, "chroot(2)")))  \
  X(int, rename, (const char *from, const char *to), (from, to),               \
    (LoadedPath(from, "rename(2)"), LoadedPath(to, "rename(2)")))              \
  X(int, renameat, (int fromfd, const char *from, int tofd, const char *to),   \
    (fromfd, from, tofd, to), (LoadedPath(from, "renameat(2)"),                \
    LoadedPath(to, "renameat(2)")))                                            \
  X(int, renameat2,                                                            \
    (int fromfd, const char *from, int tofd, const char *to, unsigned flags),  \
    (fromfd, from, tofd, to, flags), (LoadedPath(from, "renameat2(2)"),        \
    LoadedPath(to, "renameat2(2)")))                                           \
  X(int, link, (const char *from, const char *to), (from, to),                 \
    (LoadedPath(from, "link(2)"), LoadedPath(to, "link(2)")))                  \
  X(int, linkat,                                                               \
    (int fromfd, const char *from, int tofd, const char *to, int flags),       \
    (fromfd, from, tofd, to, flags), (LoadedPath(from, "linkat(2)"),           \
    LoadedPath(to, "linkat(2)")))                                              \
  X(int, symlink, (const char *target, const char *path), (target, path),      \
    (LoadedPath(target, "symlink(2)"), LoadedPath(path, "symlink(2)")))        \
  X(int, symlinkat, (const char *target, int dirfd, const char *path),         \
    (target, dirfd, path), (LoadedPath(target, "symlinkat(2)"),                \
    LoadedPath(path, "symlinkat(2)")))                                         \
  X(int, __open_2, (const char *path, int flags), (path, flags),               \
    (LoadedPath(path, "open(2)")))                                             \
  X(int, __open64_2, (const char *path, int flags), (path, flags),             \
    (LoadedPath(path, "open(2)")))                                             \
  X(int, __openat_2, (int dirfd, const char *path, int flags),                 \
    (dirfd, path, flags), (LoadedPath(path, "openat(2)")))                     \
  X(int, __openat64_2, (int dirfd, const char *path, int flags),               \
    (dirfd, path, flags), (LoadedPath(path, "openat(2)")))                     \
  X(int, creat, (const char *path, mode_t mode), (path, mode),                 \
    (LoadedPath(path, "creat(2)")))                                            \
  X(int, creat64, (const char *path, mode_t mode), (path, mode),               \
    (LoadedPath(path, "creat(2)")))                                            \
  X(FILE *, fopen, (const char *path, const char *mode), (path, mode),         \
    (LoadedPath(path, "fopen(3)")))                                            \
  X(FILE *, fopen64, (const char *path, const char *mode), (path, mode),       \
    (LoadedPath(path, "fopen(3)")))                                            \
  X(FILE *, freopen, (const char *path, const char *mode, FILE *file),         \
    (path, mode, file), (LoadedPath(path, "freopen(3)")))                      \
  X(FILE *, freopen64, (const char *path, const char *mode, FILE *file),       \
    (path, mode, file), (LoadedPath(path, "freopen(3)")))                      \
  X(DIR *, opendir, (const char *path), (path),                                \
    (LoadedPath(path, "opendir(3)")))                                          \
  X(int, mkstemp, (char *path), (path), (LoadedPath(path, "mkstemp(3)")))      \
  X(int, mkstemp64, (char *path), (path), (LoadedPath(path, "mkstemp(3)")))    \
  X(int, mkostemp, (char *path, int flags), (path, flags),                     \
    (LoadedPath(path, "mkostemp(3)")))                                         \
  X(int, mkostemp64, (char *path, int flags), (path, flags),                   \
    (LoadedPath(path, "mkostemp(3)")))                                         \
  X(int, mkstemps, (char *path, int suffix), (path, suffix),                   \
    (LoadedPath(path, "mkstemps(3)")))                                         \
  X(int, mkstemps64, (char *path, int suffix), (path, suffix),                 \
    (LoadedPath(path, "mkstemps(3)")))                                         \
  X(int, mkostemps, (char *path, int suffix, int flags),                       \
    (path, suffix, flags), (LoadedPath(path, "mkostemps(3)")))                 \
  X(int, mkostemps64, (char *path, int suffix, int flags),                     \
    (path, suffix, flags), (LoadedPath(path, "mkostemps(3)")))                 \
  X(char *, mkdtemp, (char *path), (path), (LoadedPath(path, "mkdtemp(3)")))   \
  X(int, mknod, (const char *path, mode_t mode, dev_t dev), (path, mode, dev), \
    (LoadedPath(path, "mknod(2)")))                                            \
  X(int, mknodat, (int dirfd, const char *path, mode_t mode, dev_t dev),       \
    (dirfd, path, mode, dev), (LoadedPath(path, "mknodat(2)")))                \
  X(int, mkfifo, (const char *path, mode_t mode), (path, mode),                \
    (LoadedPath(path, "mkfifo(3)")))                                           \
  X(int, mkfifoat, (int dirfd, const char *path, mode_t mode),                 \
    (dirfd, path, mode), (LoadedPath(path, "mkfifoat(3)")))                    \
  X(int, truncate, (const char *path, off_t length), (path, length),           \
    (LoadedPath(path, "truncate(2)")))                                         \
  X(int, truncate64, (const char *path, off64_t length), (path, length),       \
    (LoadedPath(path, "truncate(2)")))                                         \
  X(int, chmod, (const char *path, mode_t mode), (path, mode),                 \
    (LoadedPath(path, "chmod(2)")))                                            \
  X(int, lchmod, (const char *path, mode_t mode), (path, mode),                \
    (LoadedPath(path, "lchmod(3)")))                                           \
  X(int, fchmodat, (int dirfd, const char *path, mode_t mode, int flags),      \
    (dirfd, path, mode, flags), (LoadedPath(path, "fchmodat(2)")))             \
  X(int, chown, (const char *path, uid_t uid, gid_t gid), (path, uid, gid),    \
    (LoadedPath(path, "chown(2)")))                                            \
  X(int, lchown, (const char *path, uid_t uid, gid_t gid), (path, uid, gid),   \
    (LoadedPath(path, "lchown(2)")))                                           \
  X(int, fchownat,                                                             \
    (int dirfd, const char *path, uid_t uid, gid_t gid, int flags),            \
    (dirfd, path, uid, gid, flags), (LoadedPath(path, "fchownat(2)")))         \
  X(int, utime, (const char *path, const struct utimbuf *times),               \
    (path, times), (LoadedPath(path, "utime(2)"),                              \
    Loaded(times, times ? sizeof(*times) : 0, "utime(2)")))                    \
  X(int, utimes, (const char *path, const struct timeval *times),              \
    (path, times), (LoadedPath(path, "utimes(2)"),                             \
    Loaded(times, times ? 2 * sizeof(*times) : 0, "utimes(2)")))               \
  X(int, lutimes, (const char *path, const struct timeval *times),             \
    (path, times), (LoadedPath(path, "lutimes(2)"),                            \
    Loaded(times, times ? 2 * sizeof(*times) : 0, "lutimes(2)")))              \
  X(int, futimes, (int fd, const struct timeval *times), (fd, times),          \
    (Loaded(times, times ? 2 * sizeof(*times) : 0, "futimes(3)")))             \
  X(int, futimesat,                                                            \
    (int dirfd, const char *path, const struct timeval *times),                \
    (dirfd, path, times), (LoadedPath(path, "futimesat(2)"),                   \
    Loaded(times, times ? 2 * sizeof(*times) : 0, "futimesat(2)")))            \
  X(int, utimensat,                                                            \
    (int dirfd, const char *path, const struct timespec *times, int flags),    \
    (dirfd, path, times, flags), (LoadedPath(path, "utimensat(2)"),            \
    Loaded(times, times ? 2 * sizeof(*times) : 0, "utimensat(2)")))            \
  X(int, futimens, (int fd, const struct timespec *times), (fd, times),        \
    (Loaded(times, times ? 2 * sizeof(*times) : 0, "futimens(3)")))            \
  X(int, statvfs, (const char *path, struct statvfs *st), (path, st),          \
    (LoadedPath(path, "statvfs(3)"), Stored(st, sizeof(*st), "statvfs(3)")))   \
  X(int, statvfs64, (const char *path, struct statvfs64 *st), (path, st),      \
    (LoadedPath(path, "statvfs(3)"), Stored(st, sizeof(*st), "statvfs(3)")))   \
  X(int, fstatvfs, (int fd, struct statvfs *st), (fd, st),                     \
    (Stored(st, sizeof(*st), "fstatvfs(3)")))                                  \
  X(int, fstatvfs64, (int fd, struct statvfs64 *st), (fd, st),                 \
    (Stored(st, sizeof(*st), "fstatvfs(3)")))                                  \
  X(int, statfs64, (const char *path, struct statfs64 *st), (path, st),        \
    (LoadedPath(path, "statfs(2)"), Stored(st, sizeof(*st), "statfs(2)")))     \
  X(int, fstatfs64, (int fd, struct statfs64 *st), (fd, st),                   \
    (Stored(st, sizeof(*st), "fstatfs(2)")))                                   \
  X(ssize_t, getxattr,                                                         \
    (const char *path, const char *name, void *value, size_t size),            \
    (path, name, value, size), (LoadedPath(path, "getxattr(2)"),               \
    LoadedPath(name, "getxattr(2)"), Stored(value, size, "getxattr(2)")))      \
  X(int, setxattr, (const char *path, const char *name, const void *value,     \
    size_t size, int flags), (path, name, value, size, flags),                 \
    (LoadedPath(path, "setxattr(2)"), LoadedPath(name, "setxattr(2)"),         \
    Loaded(value, size, "setxattr(2)")))                                       \
  X(ssize_t, listxattr, (const char *path, char *list, size_t size),           \
    (path, list, size), (LoadedPath(path, "listxattr(2)"),                     \
    Stored(list, size, "listxattr(2)")))                                       \
  X(int, removexattr, (const char *path, const char *name), (path, name),      \
    (LoadedPath(path, "removexattr(2)"), LoadedPath(name, "removexattr(2)")))  \
  X(ssize_t, lgetxattr,                                                        \
    (const char *path, const char *name, void *value, size_t size),            \
    (path, name, value, size), (LoadedPath(path, "lgetxattr(2)"),              \
    LoadedPath(name, "lgetxattr(2)"), Stored(value, size, "lgetxattr(2)")))    \
  X(int, lsetxattr, (const char *path, const char *name, const void *value,    \
    size_t size, int flags), (path, name, value, size, flags),                 \
    (LoadedPath(path, "lsetxattr(2)"), LoadedPath(name, "lsetxattr(2)"),       \
    Loaded(value, size, "lsetxattr(2)")))                                      \
  X(ssize_t, llistxattr, (const char *path, char *list, size_t size),          \
    (path, list, size), (LoadedPath(path, "llistxattr(2)"),                    \
    Stored(list, size, "llistxattr(2)")))                                      \
  X(int, lremovexattr, (const char *path, const char *name), (path, name),     \
    (LoadedPath(path, "lremovexattr(2)"),                                      \
    LoadedPath(name, "lremovexattr(2)")))                                      \
  X(ssize_t, fgetxattr, (int fd, const char *name, void *value, size_t size),  \
    (fd, name, value, size), (LoadedPath(name, "fgetxattr(2)"),                \
    Stored(value, size, "fgetxattr(2)")))                                      \
  X(int, fsetxattr,                                                            \
    (int fd, const char *name, const void *value, size_t size, int flags),     \
    (fd, name, value, size, flags), (LoadedPath(name, "fsetxattr(2)"),         \
    Loaded(value, size, "fsetxattr(2)")))                                      \
  X(ssize_t, flistxattr, (int fd, char *list, size_t size), (fd, list, size),  \
    (Stored(list, size, "flistxattr(2)")))                                     \
  X(int, fremovexattr, (int fd, const char *name), (fd, name),                 \
    (LoadedPath(name, "fremovexattr(2)")))                                     \
  X(int, execve, (const char *path, char *const *argv, char *const *envp),     \
    (path, argv, envp), (LoadedPath(path, "execve(2)"),                        \
    LoadedStringVectors(argv, envp, "execve(2)")))                             \
  X(int, execv, (const char *path, char *const *argv), (path, argv),           \
    (LoadedPath(path, "execv(3)"),                                             \
    LoadedStringVectors(argv, nullptr, "execv(3)")))                           \
  X(int, execvp, (const char *file, char *const *argv), (file, argv),          \
    (LoadedPath(file, "execvp(3)"),                                            \
    LoadedStringVectors(argv, nullptr, "execvp(3)")))                          \
  X(int, execvpe, (const char *file, char *const *argv, char *const *envp),    \
    (file, argv, envp), (LoadedPath(file, "execvpe(3)"),                       \
    LoadedStringVectors(argv, envp, "execvpe(3)")))                            \
  X(int, fexecve, (int fd, char *const *argv, char *const *envp),              \
    (fd, argv, envp), (LoadedStringVectors(argv, envp, "fexecve(3)")))         \
  X(int, execveat, (int dirfd, const char *path, char *const *argv,            \
    char *const *envp, int flags), (dirfd, path, argv, envp, flags),           \
    (LoadedPath(path, "execveat(2)"),                                          \
    LoadedStringVectors(argv, envp, "execveat(2)")))

CGOSAN_PATH_CALLS(CGOSAN_BUFFER_CALL_INTERCEPTOR)

// open and openat are variadic: the mode is there when the flags create a
// file (O_CREAT, O_TMPFILE), read as libc reads it, and handed on.
#define CGOSAN_OPEN_CALLS(X)                                                   \
  X(int, open, (const char *path, int flags), (path, flags),                   \
    (LoadedPath(path, "open(2)")))                                             \
  X(int, open64, (const char *path, int flags), (path, flags),                 \
    (LoadedPath(path, "open(2)")))                                             \
  X(int, openat, (int dirfd, const char *path, int flags),                     \
    (dirfd, path, flags), (LoadedPath(path, "openat(2)")))                     \
  X(int, openat64, (int dirfd, const char *path, int flags),                   \
    (dirfd, path, flags), (LoadedPath(path, "openat(2)")))

#define CGOSAN_OPEN_CALL_INTERCEPTOR(result, name, params, args, buffers)      \
  INTERCEPTOR(result, name, CGOSAN_UNPAREN params, ...) {                      \
    mode_t mode = 0;                                                           \
    if (__OPEN_NEEDS_MODE(flags)) {                                            \
      va_list ap;                                                              \
      va_start(ap, flags);                                                     \
      mode = va_arg(ap, mode_t);                                               \
      va_end(ap);                                                              \
    }                                                                          \
    CGOSAN_HOLD_BUFFERS(buffers);                                              \
    return REAL(name)(CGOSAN_UNPAREN args, mode);                              \
  }
CGOSAN_OPEN_CALLS(CGOSAN_OPEN_CALL_INTERCEPTOR)

// execl, execlp and execle build their argument vector from their variadic
// arguments, on their stack, and make the call inside libc, where no
// interceptor sees it: their interceptors build it as libc does and make
// the call libc makes (execve with environ, execvp, execve with the
// environment after the NULL), through the interceptors above.
namespace {

// The arguments from arg0 to the NULL: how many (arg0 too), or -1 at
// INT_MAX (libc's E2BIG).
long CountArgs(va_list ap) {
  va_list rest;
  va_copy(rest, ap);
  long argc = 1;
  while (va_arg(rest, char *) && argc < INT_MAX) argc++;
  va_end(rest);
  return argc < INT_MAX ? argc : -1;
}

// argv[0, argc) from arg0 and ap, then the NULL, which ap is left past.
void FillArgs(char **argv, const char *arg0, long argc, va_list ap) {
  argv[0] = const_cast<char *>(arg0);
  for (long i = 1; i <= argc; i++) argv[i] = va_arg(ap, char *);
}

}  // namespace

// The vector lives in the interceptor's frame, as it lives in libc's.
#define CGOSAN_EXEC_LIST_INTERCEPTOR(name, call)                               \
  INTERCEPTOR(int, name, const char *path, const char *arg0, ...) {            \
    va_list ap;                                                                \
    va_start(ap, arg0);                                                        \
    long argc = CountArgs(ap);                                                 \
    if (argc < 0) {                                                            \
      va_end(ap);                                                              \
      errno = E2BIG;                                                           \
      return -1;                                                               \
    }                                                                          \
    char **argv =                                                              \
        static_cast<char **>(__builtin_alloca((argc + 1) * sizeof(char *)));   \
    FillArgs(argv, arg0, argc, ap);                                            \
    int result = call;                                                         \
    va_end(ap);                                                                \
    return result;                                                             \
  }
CGOSAN_EXEC_LIST_INTERCEPTOR(execl, WRAP(execve)(path, argv, environ))
CGOSAN_EXEC_LIST_INTERCEPTOR(execlp, WRAP(execvp)(path, argv))
CGOSAN_EXEC_LIST_INTERCEPTOR(execle,
                             WRAP(execve)(path, argv,
                                          va_arg(ap, char *const *)))

namespace __cgosan {

void InterceptPathCalls() {
  CGOSAN_PATH_CALLS(CGOSAN_INTERCEPT_BUFFER_CALL)
  CGOSAN_OPEN_CALLS(CGOSAN_INTERCEPT_BUFFER_CALL)
  CGOSAN_INTERCEPT(execl);
  CGOSAN_INTERCEPT(execlp);
  CGOSAN_INTERCEPT(execle);
}

}  // namespace __cgosan
