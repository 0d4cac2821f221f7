/* deep_recursion_fixed.c — the fix for deep_recursion.c.
 *
 * The same document, measured with a loop and a depth counter: constant
 * stack, however deep the nesting. Runs without a report and exits 0.
 * (The other fix, when deep recursion is intended, is a bigger G stack:
 * CGOSAN_OPTIONS=stack_size=16777216 ./deep_recursion.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cgosan/cgosan.h>

enum { kDepth = 100000 };

/* FIX: iterate; returns the nesting depth, or -1 if malformed. */
static int list_depth(const char *p) {
  int depth = 0, deepest = 0;
  for (; *p; p++) {
    if (*p == '[') {
      if (++depth > deepest)
        deepest = depth;
    } else if (*p == ']') {
      if (--depth < 0)
        return -1;
    } else {
      return -1;
    }
  }
  return depth == 0 ? deepest : -1;
}

static void managed_main(void *arg) {
  char *doc = malloc(2 * kDepth + 1);
  memset(doc, '[', kDepth);
  memset(doc + kDepth, ']', kDepth);
  doc[2 * kDepth] = '\0';
  printf("nesting depth: %d\n", list_depth(doc));
  free(doc);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
