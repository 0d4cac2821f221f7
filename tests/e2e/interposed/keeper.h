/* keeper.h — a test library for Go 1.22's noescape promise (keeper.ini marks
 * keeper_sum and keeper_hold `noescape = yes`). keeper_sum reads its buffer
 * during the call and keeps nothing: it keeps the promise. keeper_hold keeps
 * its buffer, which keeper_peek reads in a later call that was not handed
 * it: the promise is broken. Built and interposed by the e2e tests
 * (interposed_noescape_*.c), and called through the clang pass
 * (pass_noescape_*.c). */
#ifndef KEEPER_H
#define KEEPER_H

/* The sum of the n bytes of buf. */
long keeper_sum(const char *buf, int n);
/* Remembers buf, for keeper_peek. */
void keeper_hold(const char *buf);
/* Byte i of the buffer keeper_hold was given last. */
int keeper_peek(int i);

#endif /* KEEPER_H */
