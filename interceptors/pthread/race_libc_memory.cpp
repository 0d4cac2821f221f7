// race_libc_memory.cpp — the race checker's accesses that libc makes for
// the program: memcpy, memmove, memset, memcmp, memchr, the str* copies,
// lengths, compares and searches (strstr, strspn, strcspn, strpbrk too),
// fread, fgets, getline and getdelim into a buffer, fwrite out of one (the
// *_unlocked stdio forms as well); the printf family has its own file
// (race_printf.cpp); read/recv & co. and write/send & co.
// are intercepted for their fd edges (race_fd_io.cpp), which record their
// buffers through RecordLibcWrite/Read here. The clang pass sees the
// loads and stores the program makes itself, not those libc makes inside
// these calls; TSan intercepts the same family for the same reason. Each
// call, when it touches managed memory (RaceTracksAddress: what the pass
// records too), is recorded after the real call returns as one range per
// buffer, of the bytes it really touched: fread's items, strncpy's whole
// destination and the source bytes up to its NUL, getline's line and its
// NUL (a buffer libc grew is malloc'd: not managed). The side is the
// thread's (race.h).
// The fortified entries (__memcpy_chk & co., which code built with
// _FORTIFY_SOURCE calls, distribution libraries included) are the same
// calls with the destination's size added, which is not checked here.
// fread and fwrite also hold their buffer for retention=full
// (checkers/retention_libc.cpp): they make system calls on it themselves.
// Allowed on purpose: a call that fails touches nothing. Calls
// the runtime makes itself are not recorded: those made while it records an
// access or an edge pass straight through (the re-entrancy guard of
// ScopedRaceEdge), and the heap's fills of managed memory are flagged
// (heap_fills_memory). Pass-built code's own memcpy is recorded twice, by
// the pass and here: the same range in the same epoch, a no-op the second
// time (RecentlyRecorded).
// Cost: with race=off a load and a branch, as every interceptor here
// (race_pthread.h). When tracking, the real call and a compare per buffer;
// an access only for managed memory.
#include "heap/heap.h"
#include "heap/heap_registry.h"
#include "hidden_pointers.h"
#include "race_pthread.h"
#include "retention_libc.h"

namespace __cgosan {
namespace {

// The real call, then its accesses: kAccesses(result, args...) records them.
template <auto kAccesses, typename Result, typename... Args>
NOINLINE Result CallThenRecord(Result (**real)(Args...), Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  Result result = (*real)(args...);
  kAccesses(result, args...);
  return result;
}

void RecordLibcAccess(const void *p, uptr n, bool is_write) {
  uptr addr = reinterpret_cast<uptr>(p);
  if (LIKELY(!n || !RaceTracksAddress(addr)) || heap_fills_memory)
    return;
  ScopedRaceEdge edge;  // the caller's errno is the real call's: kept
  if (edge.thread())
    RaceLibcAccess(edge.thread(), addr, n, is_write);
}

// The bytes of the string at s, with its NUL.
uptr StringBytes(const char *s) { return internal_strlen(s) + 1; }
// The bytes strncpy/strncat read of src: up to n, and the NUL if it comes
// first.
uptr BoundedStringBytes(const char *src, uptr n) {
  uptr len = internal_strnlen(src, n);
  return len < n ? len + 1 : n;
}

// --- What each call touched ---------------------------------------------------
void CopyAccesses(void *, void *dst, const void *src, uptr n) {
  RecordLibcRead(src, n);
  RecordLibcWrite(dst, n);
}
void SetAccesses(void *, void *dst, int, uptr n) { RecordLibcWrite(dst, n); }
void CompareAccesses(int, const void *a, const void *b, uptr n) {
  RecordLibcRead(a, n);
  RecordLibcRead(b, n);
}
void StrcpyAccesses(char *, char *dst, const char *src) {
  uptr n = StringBytes(dst);
  RecordLibcRead(src, n);
  RecordLibcWrite(dst, n);
}
void StpcpyAccesses(char *end, char *dst, const char *src) {
  uptr n = end - dst + 1;
  RecordLibcRead(src, n);
  RecordLibcWrite(dst, n);
}
void StrncpyAccesses(char *, char *dst, const char *src, uptr n) {
  RecordLibcRead(src, BoundedStringBytes(src, n));
  RecordLibcWrite(dst, n);  // padded with NULs up to n
}
// strcat/strncat: dst's old string is read, src's bytes go after it.
void AppendAccesses(char *dst, const char *src, uptr copied) {
  uptr old_len = internal_strlen(dst) - copied;
  RecordLibcRead(src, copied);
  RecordLibcRead(dst, old_len);
  RecordLibcWrite(dst + old_len, copied + 1);
}
void StrcatAccesses(char *, char *dst, const char *src) {
  AppendAccesses(dst, src, internal_strlen(src));
}
void StrncatAccesses(char *, char *dst, const char *src, uptr n) {
  AppendAccesses(dst, src, internal_strnlen(src, n));
}
void StrlenAccesses(uptr len, const char *s) { RecordLibcRead(s, len + 1); }
// strcmp/strncmp read both strings up to the first difference or NUL
// (within n), that byte included.
uptr ComparedBytes(const char *a, const char *b, uptr n) {
  uptr i = 0;
  while (i < n && a[i] == b[i] && a[i])
    i++;
  return i < n ? i + 1 : n;
}
void StrcmpAccesses(int, const char *a, const char *b) {
  uptr n = ComparedBytes(a, b, ~static_cast<uptr>(0));
  RecordLibcRead(a, n);
  RecordLibcRead(b, n);
}
void StrncmpAccesses(int, const char *a, const char *b, uptr limit) {
  uptr n = ComparedBytes(a, b, limit);
  RecordLibcRead(a, n);
  RecordLibcRead(b, n);
}
// memchr reads up to the byte found, or all n.
void MemchrAccesses(void *found, const void *s, int, uptr n) {
  RecordLibcRead(s, found ? static_cast<const char *>(found) -
                                static_cast<const char *>(s) + 1
                          : n);
}
// strchr and strrchr read the whole string (strchr up to the byte found).
void StrchrAccesses(char *found, const char *s, int) {
  RecordLibcRead(s, found ? found - s + 1 : StringBytes(s));
}
void StrrchrAccesses(char *, const char *s, int) {
  RecordLibcRead(s, StringBytes(s));
}
void StrdupAccesses(char *copy, const char *s) {
  if (copy)
    RecordLibcRead(s, StringBytes(copy));
}
void StrnlenAccesses(uptr len, const char *s, uptr n) {
  RecordLibcRead(s, len < n ? len + 1 : n);
}
void FreadAccesses(uptr items, void *buf, uptr size, uptr, void *) {
  RecordLibcWrite(buf, items * size);
}
void FwriteAccesses(uptr items, const void *buf, uptr size, uptr, void *) {
  RecordLibcRead(buf, items * size);
}
void FgetsAccesses(char *result, char *buf, int, void *) {
  if (result)
    RecordLibcWrite(buf, StringBytes(buf));
}
// getline/getdelim: the line read and its NUL, into *line.
void GetdelimAccesses(sptr result, char **line, uptr *, int, void *) {
  if (result >= 0)
    RecordLibcWrite(*line, result + 1);
}
void GetlineAccesses(sptr result, char **line, uptr *size, void *file) {
  GetdelimAccesses(result, line, size, '\n', file);
}
// strstr reads s up to the match's end (or all of it, NUL included) and
// the needle whole, as TSan records it.
void StrstrAccesses(char *found, const char *s, const char *needle) {
  uptr needle_len = internal_strlen(needle);
  RecordLibcRead(s, found ? found - s + needle_len : StringBytes(s));
  RecordLibcRead(needle, needle_len + 1);
}
// strspn/strcspn read s up to the byte that ends the span, included, and
// the set whole; strpbrk s up to the byte found (or all of it).
void SpanAccesses(uptr span, const char *s, const char *set) {
  RecordLibcRead(s, span + 1);
  RecordLibcRead(set, StringBytes(set));
}
void StrpbrkAccesses(char *found, const char *s, const char *set) {
  RecordLibcRead(s, found ? found - s + 1 : StringBytes(s));
  RecordLibcRead(set, StringBytes(set));
}

// The fortified entries: the plain call's accesses; `object` (the
// destination's size the compiler knew) is libc's to check.
void CopyChkAccesses(void *r, void *dst, const void *src, uptr n, uptr) {
  CopyAccesses(r, dst, src, n);
}
void SetChkAccesses(void *r, void *dst, int byte, uptr n, uptr) {
  SetAccesses(r, dst, byte, n);
}
void StrcpyChkAccesses(char *r, char *dst, const char *src, uptr) {
  StrcpyAccesses(r, dst, src);
}
void StpcpyChkAccesses(char *end, char *dst, const char *src, uptr) {
  StpcpyAccesses(end, dst, src);
}
void StrncpyChkAccesses(char *r, char *dst, const char *src, uptr n, uptr) {
  StrncpyAccesses(r, dst, src, n);
}
void StrcatChkAccesses(char *r, char *dst, const char *src, uptr) {
  StrcatAccesses(r, dst, src);
}
void StrncatChkAccesses(char *r, char *dst, const char *src, uptr n, uptr) {
  StrncatAccesses(r, dst, src, n);
}
void FreadChkAccesses(uptr items, void *buf, uptr, uptr size, uptr count,
                      void *file) {
  FreadAccesses(items, buf, size, count, file);
}
void FgetsChkAccesses(char *result, char *buf, uptr, int size, void *file) {
  FgetsAccesses(result, buf, size, file);
}

}  // namespace

void RecordLibcWrite(const void *p, uptr n) { RecordLibcAccess(p, n, true); }
void RecordLibcRead(const void *p, uptr n) { RecordLibcAccess(p, n, false); }

}  // namespace __cgosan

using namespace __cgosan;

// The shape of every interceptor here but the variadic ones; `first` is a
// statement before it all (a LibcBufferHold).
#define CGOSAN_LIBC_INTERCEPTOR_AFTER(first, ret, func, accesses, params, args) \
  INTERCEPTOR(ret, func, CGOSAN_UNPAREN params) {                  \
    first;                                                         \
    if (LIKELY(PassThrough()))                                     \
      return REAL(func)(CGOSAN_UNPAREN args);                      \
    return CallThenRecord<accesses>(&REAL(func), CGOSAN_UNPAREN args); \
  }
#define CGOSAN_LIBC_INTERCEPTOR(ret, func, accesses, params, args) \
  CGOSAN_LIBC_INTERCEPTOR_AFTER((void)0, ret, func, accesses, params, args)
#define CGOSAN_UNPAREN(...) __VA_ARGS__
// memcpy and memmove & co. also judge what they copy once a foreign heap is
// registered: a pointer hidden from its collector (cgocheck=2,
// checkers/check_hidden_pointer.cpp), whatever the race mode.
#define CGOSAN_COPY_INTERCEPTOR(func, accesses, params, args)      \
  INTERCEPTOR(void *, func, CGOSAN_UNPAREN params) {                \
    if (UNLIKELY(AnyForeignHeap()) && CgoCheckLevel() >= 2)        \
      CheckLibcCopy(dst, src, n);                                   \
    if (LIKELY(PassThrough()))                                      \
      return REAL(func)(CGOSAN_UNPAREN args);                       \
    return CallThenRecord<accesses>(&REAL(func), CGOSAN_UNPAREN args); \
  }

// --- Memory and strings -----------------------------------------------------------
CGOSAN_COPY_INTERCEPTOR(memcpy, CopyAccesses,
                        (void *dst, const void *src, uptr n), (dst, src, n))
CGOSAN_COPY_INTERCEPTOR(memmove, CopyAccesses,
                        (void *dst, const void *src, uptr n), (dst, src, n))
CGOSAN_LIBC_INTERCEPTOR(void *, memset, SetAccesses,
                        (void *dst, int byte, uptr n), (dst, byte, n))
CGOSAN_LIBC_INTERCEPTOR(int, memcmp, CompareAccesses,
                        (const void *a, const void *b, uptr n), (a, b, n))
CGOSAN_LIBC_INTERCEPTOR(char *, strcpy, StrcpyAccesses,
                        (char *dst, const char *src), (dst, src))
CGOSAN_LIBC_INTERCEPTOR(char *, stpcpy, StpcpyAccesses,
                        (char *dst, const char *src), (dst, src))
CGOSAN_LIBC_INTERCEPTOR(char *, strncpy, StrncpyAccesses,
                        (char *dst, const char *src, uptr n), (dst, src, n))
CGOSAN_LIBC_INTERCEPTOR(char *, strcat, StrcatAccesses,
                        (char *dst, const char *src), (dst, src))
CGOSAN_LIBC_INTERCEPTOR(char *, strncat, StrncatAccesses,
                        (char *dst, const char *src, uptr n), (dst, src, n))
CGOSAN_LIBC_INTERCEPTOR(uptr, strlen, StrlenAccesses, (const char *s), (s))
CGOSAN_LIBC_INTERCEPTOR(uptr, strnlen, StrnlenAccesses,
                        (const char *s, uptr n), (s, n))
CGOSAN_LIBC_INTERCEPTOR(int, strcmp, StrcmpAccesses,
                        (const char *a, const char *b), (a, b))
CGOSAN_LIBC_INTERCEPTOR(int, strncmp, StrncmpAccesses,
                        (const char *a, const char *b, uptr n), (a, b, n))
CGOSAN_LIBC_INTERCEPTOR(void *, memchr, MemchrAccesses,
                        (const void *s, int byte, uptr n), (s, byte, n))
CGOSAN_LIBC_INTERCEPTOR(char *, strchr, StrchrAccesses,
                        (const char *s, int byte), (s, byte))
CGOSAN_LIBC_INTERCEPTOR(char *, strrchr, StrrchrAccesses,
                        (const char *s, int byte), (s, byte))
CGOSAN_LIBC_INTERCEPTOR(char *, strdup, StrdupAccesses, (const char *s), (s))
CGOSAN_LIBC_INTERCEPTOR(char *, strstr, StrstrAccesses,
                        (const char *s, const char *needle), (s, needle))
CGOSAN_LIBC_INTERCEPTOR(uptr, strspn, SpanAccesses,
                        (const char *s, const char *set), (s, set))
CGOSAN_LIBC_INTERCEPTOR(uptr, strcspn, SpanAccesses,
                        (const char *s, const char *set), (s, set))
CGOSAN_LIBC_INTERCEPTOR(char *, strpbrk, StrpbrkAccesses,
                        (const char *s, const char *set), (s, set))

// --- The fortified entries ------------------------------------------------------
CGOSAN_COPY_INTERCEPTOR(__memcpy_chk, CopyChkAccesses,
                        (void *dst, const void *src, uptr n, uptr object),
                        (dst, src, n, object))
CGOSAN_COPY_INTERCEPTOR(__memmove_chk, CopyChkAccesses,
                        (void *dst, const void *src, uptr n, uptr object),
                        (dst, src, n, object))
CGOSAN_LIBC_INTERCEPTOR(void *, __memset_chk, SetChkAccesses,
                        (void *dst, int byte, uptr n, uptr object),
                        (dst, byte, n, object))
CGOSAN_LIBC_INTERCEPTOR(char *, __strcpy_chk, StrcpyChkAccesses,
                        (char *dst, const char *src, uptr object),
                        (dst, src, object))
CGOSAN_LIBC_INTERCEPTOR(char *, __stpcpy_chk, StpcpyChkAccesses,
                        (char *dst, const char *src, uptr object),
                        (dst, src, object))
CGOSAN_LIBC_INTERCEPTOR(char *, __strncpy_chk, StrncpyChkAccesses,
                        (char *dst, const char *src, uptr n, uptr object),
                        (dst, src, n, object))
CGOSAN_LIBC_INTERCEPTOR(char *, __strcat_chk, StrcatChkAccesses,
                        (char *dst, const char *src, uptr object),
                        (dst, src, object))
CGOSAN_LIBC_INTERCEPTOR(char *, __strncat_chk, StrncatChkAccesses,
                        (char *dst, const char *src, uptr n, uptr object),
                        (dst, src, n, object))
// fread and fwrite move a large buffer with a system call of their own, not
// through the interceptors of read and write: with retention=full the
// buffer is held first (retention_libc.h).
CGOSAN_LIBC_INTERCEPTOR_AFTER(
    LibcBufferHold hold(Stored(buf, ItemBytes(size, count), "fread(3)")),
    uptr, __fread_chk, FreadChkAccesses,
    (void *buf, uptr object, uptr size, uptr count, void *file),
    (buf, object, size, count, file))
CGOSAN_LIBC_INTERCEPTOR(char *, __fgets_chk, FgetsChkAccesses,
                        (char *buf, uptr object, int size, void *file),
                        (buf, object, size, file))

// --- stdio into and out of a buffer (read & co.: race_fd_io.cpp) -------------
// The locked calls and their *_unlocked forms (suffix): the same accesses.
#define CGOSAN_STDIO_INTERCEPTORS(suffix)                                   \
  CGOSAN_LIBC_INTERCEPTOR_AFTER(                                            \
      LibcBufferHold hold(Stored(buf, ItemBytes(size, count), "fread(3)")), \
      uptr, fread##suffix, FreadAccesses,                                   \
      (void *buf, uptr size, uptr count, void *file), (buf, size, count, file)) \
  CGOSAN_LIBC_INTERCEPTOR_AFTER(                                            \
      LibcBufferHold hold(Loaded(buf, ItemBytes(size, count), "fwrite(3)")), \
      uptr, fwrite##suffix, FwriteAccesses,                                 \
      (const void *buf, uptr size, uptr count, void *file),                 \
      (buf, size, count, file))                                             \
  CGOSAN_LIBC_INTERCEPTOR(char *, fgets##suffix, FgetsAccesses,             \
                          (char *buf, int size, void *file), (buf, size, file))
CGOSAN_STDIO_INTERCEPTORS()
CGOSAN_STDIO_INTERCEPTORS(_unlocked)
#undef CGOSAN_STDIO_INTERCEPTORS
CGOSAN_LIBC_INTERCEPTOR(sptr, getline, GetlineAccesses,
                        (char **line, uptr *size, void *file),
                        (line, size, file))
CGOSAN_LIBC_INTERCEPTOR(sptr, getdelim, GetdelimAccesses,
                        (char **line, uptr *size, int delim, void *file),
                        (line, size, delim, file))

namespace __cgosan {

void InterceptLibcMemoryFunctions() {
  CGOSAN_INTERCEPT(memcpy);
  CGOSAN_INTERCEPT(memmove);
  CGOSAN_INTERCEPT(memset);
  CGOSAN_INTERCEPT(memcmp);
  CGOSAN_INTERCEPT(strcpy);
  CGOSAN_INTERCEPT(stpcpy);
  CGOSAN_INTERCEPT(strncpy);
  CGOSAN_INTERCEPT(strcat);
  CGOSAN_INTERCEPT(strncat);
  CGOSAN_INTERCEPT(strlen);
  CGOSAN_INTERCEPT(strnlen);
  CGOSAN_INTERCEPT(strcmp);
  CGOSAN_INTERCEPT(strncmp);
  CGOSAN_INTERCEPT(memchr);
  CGOSAN_INTERCEPT(strchr);
  CGOSAN_INTERCEPT(strrchr);
  CGOSAN_INTERCEPT(strdup);
  CGOSAN_INTERCEPT(strstr);
  CGOSAN_INTERCEPT(strspn);
  CGOSAN_INTERCEPT(strcspn);
  CGOSAN_INTERCEPT(strpbrk);
  CGOSAN_INTERCEPT(fread);
  CGOSAN_INTERCEPT(fwrite);
  CGOSAN_INTERCEPT(fgets);
  CGOSAN_INTERCEPT(fread_unlocked);
  CGOSAN_INTERCEPT(fwrite_unlocked);
  CGOSAN_INTERCEPT(fgets_unlocked);
  CGOSAN_INTERCEPT(getline);
  CGOSAN_INTERCEPT(getdelim);
  CGOSAN_INTERCEPT(__memcpy_chk);
  CGOSAN_INTERCEPT(__memmove_chk);
  CGOSAN_INTERCEPT(__memset_chk);
  CGOSAN_INTERCEPT(__strcpy_chk);
  CGOSAN_INTERCEPT(__stpcpy_chk);
  CGOSAN_INTERCEPT(__strncpy_chk);
  CGOSAN_INTERCEPT(__strcat_chk);
  CGOSAN_INTERCEPT(__strncat_chk);
  CGOSAN_INTERCEPT(__fread_chk);
  CGOSAN_INTERCEPT(__fgets_chk);
}

}  // namespace __cgosan
