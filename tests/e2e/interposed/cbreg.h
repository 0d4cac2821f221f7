/* cbreg.h — a test library that keeps callbacks the way real C libraries do
 * (event handlers, sqlite3 hooks): it registers them, unregisters them by
 * comparing function pointers, calls them later, and hands a callback's
 * result back to its caller. Built and interposed by the e2e tests. */
#ifndef CBREG_H
#define CBREG_H

/* Registers cb(ud); returns how many callbacks are registered. */
int cbreg_add(void (*cb)(void *ud), void *ud);
/* Unregisters the first callback equal to cb; returns 1 if there was one. */
int cbreg_remove(void (*cb)(void *ud));
/* Calls every registered callback, in order; returns how many it called. */
int cbreg_fire(void);
/* Returns what make(ud) returns. */
void *cbreg_produce(void *(*make)(void *ud), void *ud);
/* fn is really a `long (*)(long)`, passed as C's generic function pointer
 * (as sqlite3_auto_extension and ffi_call take theirs); returns fn(x). */
long cbreg_call_generic(void (*fn)(void), long x);

#endif /* CBREG_H */
