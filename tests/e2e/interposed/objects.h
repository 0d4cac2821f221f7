/* objects.h — a test library whose pointer parameters reach managed pointers
 * the ways C passes them: a pointer to pointers (T **), a pointer to a struct
 * that holds one (struct S *), an untyped pointer (void *); and one that
 * cannot (char *). Plain C; knows nothing about cgosan. */
#ifndef OBJECTS_H
#define OBJECTS_H

struct item {
  struct item *next;
  long value;
};

struct bag {
  struct item *first;
  long count;
};

/* The sum of the values of the n items items[0..n) point to. */
long objects_sum(struct item **items, int n);
/* The sum of the values of the list that starts at bag->first. */
long objects_bag_sum(const struct bag *bag);
/* The sum of the n bytes at p. */
long objects_checksum(const void *p, long n);
/* The length of the C string text. */
long objects_length(const char *text);

#endif /* OBJECTS_H */
