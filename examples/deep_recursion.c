/* deep_recursion.c — a G recurses deeper than its stack.
 *
 * Managed code gets a document of nested lists, "[[[...]]]", and measures its
 * nesting with a recursive-descent parser: one stack frame per level. A G's
 * stack is small (64 KiB by default, like Go's, it is meant to be cheap), and
 * this document is 100000 levels deep: the recursion runs into the guard
 * page below the G stack. Instead of a bare SIGSEGV, the runtime reports
 * stack-overflow with the overflowing G's stack and its bounds. Exits with 66.
 *
 * Two fixes: deep_recursion_fixed.c walks the document with a loop, or, when
 * the depth is intended, CGOSAN_OPTIONS=stack_size=<bytes> gives every G a
 * bigger stack (this program runs fine with stack_size=16777216). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cgosan/cgosan.h>

enum { kDepth = 100000 };

/* list := '[' list* ']'; returns the nesting depth, or -1 if malformed. */
static int list_depth(const char **p) {
  int deepest = 0;
  (*p)++; /* '[' */
  while (**p == '[') {
    int d = list_depth(p); /* BUG: one frame per level of nesting */
    if (d < 0)
      return -1;
    if (d > deepest)
      deepest = d;
  }
  if (**p != ']')
    return -1;
  (*p)++;
  return deepest + 1;
}

static void managed_main(void *arg) {
  char *doc = malloc(2 * kDepth + 1);
  memset(doc, '[', kDepth);
  memset(doc + kDepth, ']', kDepth);
  doc[2 * kDepth] = '\0';
  const char *p = doc;
  printf("nesting depth: %d\n", list_depth(&p));
  free(doc);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
