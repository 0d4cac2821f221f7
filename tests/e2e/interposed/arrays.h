/* arrays.h — a test library whose parameters are declared as arrays, which C
 * passes as pointers to their first element: a fixed number of structs, an
 * open array of them, and an argv-style array of strings. The interposer
 * cgosan-gen makes from this header checks them as it checks pointers
 * (design.md, rule 1): the N elements of `T a[N]`, the whole object behind
 * `T a[]`. Built and interposed by e2e.interposed_array_params. */
#ifndef ARRAYS_H
#define ARRAYS_H

struct link {
  struct link *next;
  int value;
};

/* The sum of the values of the three links. */
int arrays_sum3(const struct link links[3]);
/* The sum of the values of the first n links. */
int arrays_sum(const struct link links[], int n);
/* The total length of the argc strings of argv. */
int arrays_total_length(int argc, char *argv[]);

#endif /* ARRAYS_H */
