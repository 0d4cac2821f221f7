/* foo.h — libfoo, a tiny C library that knows nothing about cgosan.
 *
 * It stands for any C library a managed program calls: it takes callbacks,
 * calls them back on the caller's thread (foo_each) or on a thread of its own
 * (foo_async), and reports failures through errno (foo_parse). The examples
 * call it through cgosan_cgocall and receive its callbacks through
 * cgosan_cgocallback, the way Go code calls C through cgo. */
#ifndef FOO_H
#define FOO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Calls cb(items[i], ud) for each of the n items, in order, on this thread. */
void foo_each(const int *items, size_t n, void (*cb)(int item, void *ud), void *ud);

/* Calls cb(ud) once from a thread libfoo creates, and joins that thread
 * before returning. Returns 0, or an errno value if no thread could start. */
int foo_async(void (*cb)(void *ud), void *ud);

/* Parses a decimal number. On overflow returns LONG_MIN/LONG_MAX and sets
 * errno to ERANGE; on junk returns 0 and sets errno to EINVAL. */
long foo_parse(const char *text);

/* Copies the n-byte record into libfoo's journal (and returns its index):
 * libfoo keeps the bytes, including any pointers they hold. */
size_t foo_store(const void *record, size_t n);

/* Asks cb for the value of key and returns what cb returned: libfoo keeps
 * the returned pointer in its cache. */
const void *foo_lookup(const void *(*cb)(int key, void *ud), int key, void *ud);

/* A registry object that libfoo owns; its user field is for the caller. */
struct foo_registry {
  void *user;
  int generation;
};
struct foo_registry *foo_registry_new(void);
void foo_registry_free(struct foo_registry *registry);

#ifdef __cplusplus
}
#endif

#endif /* FOO_H */
