// race_printf.cpp — the race checker's accesses that the printf family makes
// for the program: the format string and every %s argument it reads, the
// ints %n writes, and the buffer snprintf & co. fill. The clang pass sees
// the call, not the loads libc makes inside it: a printf("%s", buf) on one
// thread while another writes buf with no order between them is a race on
// buf, as TSan reports it (its printf interceptors walk the format, under
// check_printf, on by default). Covered: printf, fprintf, dprintf, sprintf,
// snprintf, asprintf, their v* forms and their _FORTIFY_SOURCE forms
// (__printf_chk & co.; TSan has only some of those). Each read is recorded
// before the real call, from a copy of the arguments; the output buffer
// after it, as many bytes as were written (snprintf's cut to the buffer, its
// NUL included; asprintf's pointer when it succeeded: the string is malloc'd,
// not managed).
// Allowed on purpose: the walk stops at a conversion it cannot type (an
// unknown one, or arguments by position, %1$s) and records nothing for the
// arguments after it: a race can be missed there, never invented. A %ls
// honours its precision as %s does, counted in wide characters: glibc reads
// that many of them (or up to the NUL) whatever their encoding, and %.0ls
// none (TSan reads nothing for any %ls). A %.*s reads what its precision
// lets libc read (TSan reads nothing there).
// Cost: with race=off a load and a branch, as every interceptor here
// (race_pthread.h); the variadic forms also keep a frame to hand their
// arguments on as a va_list. When tracking, a walk of the format and a
// compare per string argument; an access only for managed memory.
#include <stdarg.h>
#include <wchar.h>

#include "race_pthread.h"

namespace __cgosan {
namespace {

// The bytes of the string at s, with its NUL.
uptr StringBytes(const char *s) { return internal_strlen(s) + 1; }

// A conversion's length modifier, as far as it sizes the argument.
enum ArgumentLength : u8 {
  kNoLength,
  kCharLength,      // hh
  kShortLength,     // h
  kLongLength,      // l
  kLongLongLength,  // ll, q, L on an integer, j, z, t: 8 bytes here
  kLongDoubleLength,  // L on a floating conversion
};

struct Conversion {
  char letter = 0;  // 0: the format ended inside it
  ArgumentLength length = kNoLength;
  bool positional = false;  // %1$s: arguments by number
  bool star_width = false;
  bool star_precision = false;
  sptr precision = -1;  // none
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses the conversion whose text starts at p, just after its '%'; returns
// where the text after it starts.
const char *ParseConversion(const char *p, Conversion *c) {
  const char *digits = p;
  while (IsDigit(*p))
    p++;
  if (*p == '$' && p != digits) {
    c->positional = true;
    return p;
  }
  p = digits;
  while (*p && internal_strchr("-+ #0'I", *p))
    p++;
  if (*p == '*') {
    c->star_width = true;
    p++;
  }
  while (IsDigit(*p))
    p++;
  if (*p == '.') {
    p++;
    if (*p == '*') {
      c->star_precision = true;
      p++;
    } else {
      sptr precision = 0;
      for (; IsDigit(*p); p++)
        precision = precision * 10 + (*p - '0');
      c->precision = precision;
    }
  }
  if (p[0] == 'h' && p[1] == 'h') {
    c->length = kCharLength;
    p += 2;
  } else if (p[0] == 'l' && p[1] == 'l') {
    c->length = kLongLongLength;
    p += 2;
  } else if (*p == 'h') {
    c->length = kShortLength;
    p++;
  } else if (*p == 'l') {
    c->length = kLongLength;
    p++;
  } else if (*p && internal_strchr("qLjzt", *p)) {
    c->length = *p == 'L' ? kLongDoubleLength : kLongLongLength;
    p++;
  }
  c->letter = *p;
  return *p ? p + 1 : p;
}

// The bytes %n stores into, by its length modifier.
uptr CountBytes(ArgumentLength length) {
  switch (length) {
    case kCharLength:
      return 1;
    case kShortLength:
      return 2;
    case kNoLength:
      return sizeof(int);
    default:
      return 8;
  }
}

// The length of a string, and of at most its first n characters.
uptr Length(const char *s, uptr n) { return internal_strnlen(s, n); }
uptr Length(const wchar_t *s, uptr n) { return internal_wcsnlen(s, n); }

// The bytes a %s (Char char) or %ls (wchar_t) reads of its string: up to
// its NUL, or `precision` characters and the NUL if it comes first.
template <typename Char>
uptr StringArgumentBytes(const Char *s, sptr precision) {
  uptr limit = precision < 0 ? ~static_cast<uptr>(0) : precision;
  uptr len = Length(s, limit);
  return (len < limit ? len + 1 : len) * sizeof(Char);
}

// Takes the argument of conversion c from args, recording what libc reads
// or writes through it; false when the conversion cannot be typed.
bool TakeArgument(const Conversion &c, va_list args) {
  switch (c.letter) {
    case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': case 'b':
    case 'B': case 'c': case 'C':
      if (c.length == kLongLength || c.length == kLongLongLength ||
          c.length == kLongDoubleLength)
        (void)va_arg(args, long long);
      else
        (void)va_arg(args, int);
      return true;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a':
    case 'A':
      if (c.length == kLongDoubleLength)
        (void)va_arg(args, long double);
      else
        (void)va_arg(args, double);
      return true;
    case 'p':
      (void)va_arg(args, void *);
      return true;
    case 'n':
      RecordLibcWrite(va_arg(args, void *), CountBytes(c.length));
      return true;
    case 'm':
      return true;  // strerror(errno): no argument
    case 's':
    case 'S': {
      void *s = va_arg(args, void *);
      if (!s)
        return true;  // printed as "(null)"
      if (c.letter == 's' && c.length != kLongLength)
        RecordLibcRead(s, StringArgumentBytes(static_cast<char *>(s),
                                              c.precision));
      else
        RecordLibcRead(s, StringArgumentBytes(static_cast<wchar_t *>(s),
                                              c.precision));
      return true;
    }
    default:
      return false;
  }
}

// libc reads the format and the strings its conversions print.
void RecordPrintfReads(const char *format, va_list ap) {
  RecordLibcRead(format, StringBytes(format));
  va_list args;
  va_copy(args, ap);
  for (const char *p = format; (p = internal_strchr(p, '%'));) {
    Conversion c;
    p = ParseConversion(p + 1, &c);
    if (c.letter == '%')
      continue;
    if (!c.letter || c.positional)
      break;
    if (c.star_width)
      (void)va_arg(args, int);
    if (c.star_precision)
      c.precision = va_arg(args, int);  // a negative one is none
    if (!TakeArgument(c, args))
      break;
  }
  va_end(args);
}

// The real call, with its reads before and its writes (kAccesses(result,
// args...), nullptr for none) after.
template <auto kAccesses, typename... Args>
NOINLINE int PrintThenRecord(int (**real)(Args...), const char *format,
                             va_list ap, Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  RecordPrintfReads(format, ap);
  int result = (*real)(args...);
  if constexpr (kAccesses != nullptr)
    kAccesses(result, args...);
  return result;
}

// The bytes snprintf wrote into a buffer of `size`: its output (`result`
// bytes, cut to the buffer) and the NUL; none for an error or a 0 size.
uptr PrintedBytes(int result, uptr size) {
  if (result < 0 || size == 0)
    return 0;
  return Min(static_cast<uptr>(result), size - 1) + 1;
}

// --- What each call wrote -----------------------------------------------------
void VsnprintfWrites(int result, char *buf, uptr size, const char *, va_list) {
  RecordLibcWrite(buf, PrintedBytes(result, size));
}
void VsprintfWrites(int result, char *buf, const char *, va_list) {
  RecordLibcWrite(buf, result < 0 ? 0 : result + 1);
}
void VasprintfWrites(int result, char **strp, const char *, va_list) {
  if (result >= 0)
    RecordLibcWrite(strp, sizeof(*strp));
}
void VsnprintfChkWrites(int result, char *buf, uptr size, int, uptr,
                        const char *format, va_list ap) {
  VsnprintfWrites(result, buf, size, format, ap);
}
void VsprintfChkWrites(int result, char *buf, int, uptr, const char *format,
                       va_list ap) {
  VsprintfWrites(result, buf, format, ap);
}
void VasprintfChkWrites(int result, char **strp, int, const char *format,
                        va_list ap) {
  VasprintfWrites(result, strp, format, ap);
}

}  // namespace
}  // namespace __cgosan

using namespace __cgosan;

#define CGOSAN_UNPAREN(...) __VA_ARGS__
// A va_list form: `params` end with (const char *format, va_list ap).
#define CGOSAN_VPRINTF_INTERCEPTOR(func, writes, params, args)             \
  INTERCEPTOR(int, func, CGOSAN_UNPAREN params) {                          \
    if (LIKELY(PassThrough()))                                             \
      return REAL(func)(CGOSAN_UNPAREN args);                              \
    return PrintThenRecord<writes>(&REAL(func), format, ap,                \
                                   CGOSAN_UNPAREN args);                   \
  }
// A variadic form hands its arguments to its va_list form's interceptor;
// `params` end with (const char *format).
#define CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(func, vfunc, params, args) \
  INTERCEPTOR(int, func, CGOSAN_UNPAREN params, ...) {               \
    va_list ap;                                                      \
    va_start(ap, format);                                            \
    int result = WRAP(vfunc)(CGOSAN_UNPAREN args, ap);               \
    va_end(ap);                                                      \
    return result;                                                   \
  }

// --- Into a stream or an fd -----------------------------------------------------
CGOSAN_VPRINTF_INTERCEPTOR(vprintf, nullptr,
                           (const char *format, va_list ap), (format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(vfprintf, nullptr,
                           (void *file, const char *format, va_list ap),
                           (file, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(vdprintf, nullptr,
                           (int fd, const char *format, va_list ap),
                           (fd, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vprintf_chk, nullptr,
                           (int flag, const char *format, va_list ap),
                           (flag, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vfprintf_chk, nullptr,
                           (void *file, int flag, const char *format,
                            va_list ap),
                           (file, flag, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vdprintf_chk, nullptr,
                           (int fd, int flag, const char *format, va_list ap),
                           (fd, flag, format, ap))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(printf, vprintf, (const char *format),
                                   (format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(fprintf, vfprintf,
                                   (void *file, const char *format),
                                   (file, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(dprintf, vdprintf,
                                   (int fd, const char *format), (fd, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__printf_chk, __vprintf_chk,
                                   (int flag, const char *format),
                                   (flag, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__fprintf_chk, __vfprintf_chk,
                                   (void *file, int flag, const char *format),
                                   (file, flag, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__dprintf_chk, __vdprintf_chk,
                                   (int fd, int flag, const char *format),
                                   (fd, flag, format))

// --- Into a buffer ---------------------------------------------------------------
CGOSAN_VPRINTF_INTERCEPTOR(vsnprintf, VsnprintfWrites,
                           (char *buf, uptr size, const char *format,
                            va_list ap),
                           (buf, size, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(vsprintf, VsprintfWrites,
                           (char *buf, const char *format, va_list ap),
                           (buf, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(vasprintf, VasprintfWrites,
                           (char **strp, const char *format, va_list ap),
                           (strp, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vsnprintf_chk, VsnprintfChkWrites,
                           (char *buf, uptr size, int flag, uptr object,
                            const char *format, va_list ap),
                           (buf, size, flag, object, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vsprintf_chk, VsprintfChkWrites,
                           (char *buf, int flag, uptr object,
                            const char *format, va_list ap),
                           (buf, flag, object, format, ap))
CGOSAN_VPRINTF_INTERCEPTOR(__vasprintf_chk, VasprintfChkWrites,
                           (char **strp, int flag, const char *format,
                            va_list ap),
                           (strp, flag, format, ap))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(snprintf, vsnprintf,
                                   (char *buf, uptr size, const char *format),
                                   (buf, size, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(sprintf, vsprintf,
                                   (char *buf, const char *format),
                                   (buf, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(asprintf, vasprintf,
                                   (char **strp, const char *format),
                                   (strp, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__snprintf_chk, __vsnprintf_chk,
                                   (char *buf, uptr size, int flag,
                                    uptr object, const char *format),
                                   (buf, size, flag, object, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__sprintf_chk, __vsprintf_chk,
                                   (char *buf, int flag, uptr object,
                                    const char *format),
                                   (buf, flag, object, format))
CGOSAN_VARIADIC_PRINTF_INTERCEPTOR(__asprintf_chk, __vasprintf_chk,
                                   (char **strp, int flag, const char *format),
                                   (strp, flag, format))

namespace __cgosan {

void InterceptPrintfFunctions() {
  CGOSAN_INTERCEPT(vprintf);
  CGOSAN_INTERCEPT(vfprintf);
  CGOSAN_INTERCEPT(vdprintf);
  CGOSAN_INTERCEPT(__vprintf_chk);
  CGOSAN_INTERCEPT(__vfprintf_chk);
  CGOSAN_INTERCEPT(__vdprintf_chk);
  CGOSAN_INTERCEPT(vsnprintf);
  CGOSAN_INTERCEPT(vsprintf);
  CGOSAN_INTERCEPT(vasprintf);
  CGOSAN_INTERCEPT(__vsnprintf_chk);
  CGOSAN_INTERCEPT(__vsprintf_chk);
  CGOSAN_INTERCEPT(__vasprintf_chk);
}

}  // namespace __cgosan
