/* pass_bench_foreign.c — the tiny C functions pass_bench calls: foreign code,
 * built without the clang pass plugin. */
long bench_foreign_add(long a, long b) { return a + b; }
long bench_foreign_load(const long *p) { return *p; }
