/* callbacks.h — a seed header for gen_fuzz.py: callbacks, user data,
 * arrays, variadics, a struct by value, a function that never returns. */
#include <stddef.h>
struct pair { void *a; long b; };
typedef int (*visit_fn)(void *user, const char *key, size_t n);
int walk(const char *root, visit_fn visit, void *user);
void set_handler(void (*handler)(int sig, void *ctx), void *ctx);
long sum(const long values[], size_t n);
int format(char *out, size_t cap, const char *fmt, ...);
struct pair swap(struct pair p);
_Noreturn void fail(const char *why);
