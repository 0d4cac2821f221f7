/* stash.h — a test library that keeps a buffer where Boehm GC does not
 * look (a malloc'd record) and later hands it to the kernel: stash_keep
 * remembers the buffer, stash_write writes it to fd with write(2). Built
 * and interposed by the e2e tests bdwgc_stash_write*.c. */
#ifndef STASH_H
#define STASH_H

#include <stddef.h>

/* Remembers the n bytes at buf, for stash_write. */
void stash_keep(const char *buf, size_t n);
/* write(2)s the remembered bytes to fd; its result. */
long stash_write(int fd);

#endif /* STASH_H */
