/* rows.h — a test library that reads rows through `struct row *`
 * parameters and results, which C programs keep on the stack as often as on
 * the heap. The interposer cgosan-gen makes from this header checks the
 * struct's pointer field wherever the row lives (design.md, rules 1 and 3).
 * Built and interposed by e2e.interposed_stack_row. */
#ifndef ROWS_H
#define ROWS_H

struct row {
  long id;
  char *name;
};

/* The length of the row's name (0 for none). */
long rows_name_length(const struct row *row);
/* Asks make(ud) for a row and returns the length of its name. */
long rows_made_name_length(const struct row *(*make)(void *ud), void *ud);

#endif /* ROWS_H */
