/* oddity.h — a test library declared the unusual ways C allows, each of
 * which once broke the interposer cgosan-gen made (it did not compile, so
 * nothing was checked): a const-qualified result, a const function-pointer
 * parameter, `[static N]` and variable-length array parameters, a function
 * renamed with an __asm__ label. Built and interposed by
 * e2e.interposed_odd_declarations. */
#ifndef ODDITY_H
#define ODDITY_H

struct oddity_link {
  struct oddity_link *next;
  int value;
};

/* x + 1. */
const int oddity_const_result(int x);
/* Calls cb(x, ud) and returns x. */
int oddity_const_callback(void (*const cb)(int x, void *ud), void *ud, int x);
/* The sum of the values of the two links. */
int oddity_static_array(const struct oddity_link links[static 2]);
/* The sum of the n values. */
int oddity_vla(int n, const int values[n]);
/* x * 2; the library exports it as oddity_renamed_v2. */
int oddity_renamed(int x) __asm__("oddity_renamed_v2");

#endif /* ODDITY_H */
