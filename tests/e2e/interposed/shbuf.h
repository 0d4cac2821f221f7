/* shbuf.h — a test library that works on its caller's memory the way C
 * libraries do: through a typed pointer it fills or only reads, an output
 * buffer whose length is another argument, and a C string. The interposer
 * cgosan-gen makes from this header records what each call hands over
 * (shbuf.ini says the one thing the header cannot: the output buffer's
 * length). shbuf_signal / shbuf_wait hand off between threads inside the
 * library, where the race checker cannot see it. Built and interposed by the
 * e2e tests (interposed_race*.c, interposed_stack_reuse.c). */
#ifndef SHBUF_H
#define SHBUF_H

struct shbuf {
  long values[4];
};

/* Sets b->values to first, first + 1, ... (writes *b). */
void shbuf_fill(struct shbuf *b, long first);
/* The sum of b->values (reads *b). */
long shbuf_sum(const struct shbuf *b);
/* Writes b's values as text into out, at most capacity bytes with the NUL;
 * returns the length of the text. */
int shbuf_format(char *out, int capacity, const struct shbuf *b);
/* The sum of the numbers in the C string text. */
long shbuf_parse(const char *text);
/* shbuf_wait returns once shbuf_signal has been called (on any thread). */
void shbuf_signal(void);
void shbuf_wait(void);

#endif /* SHBUF_H */
