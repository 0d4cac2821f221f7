/* interposer_rt.h — what every interposer made by cgosan-gen shares: lazy
 * resolution of the real functions, callback trampolines (libffi closures
 * that enter managed code through cgosan_cgocallback), the race records of
 * what each call hands to the callee, and the C form of the annotation model
 * (cgosan_gen/annotations.py emits tables of these types).
 *
 * The generated source (see cgosan_gen/emit_c.py) includes this header and is
 * compiled together with interposer_rt.c into one LD_PRELOAD library. Names
 * start with cgosan_ so that reports drop these frames the way they drop the
 * runtime's own (rtl/report.cpp), and frame #0 is the caller's line. */
#ifndef CGOSAN_INTERPOSER_RT_H
#define CGOSAN_INTERPOSER_RT_H

#include <cgosan/cgosan.h>
#include <ffi.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Real functions ---------------------------------------------------------
 * *slot caches the real function, resolved on its first call: dlsym(RTLD_NEXT,
 * name), else dlsym in the library itself when the process has loaded it
 * without putting it in the global scope (dlopen RTLD_LOCAL, as python3 loads
 * its extension modules and their libraries): dlopen(NAME, RTLD_NOLOAD) for
 * each of cgosan_gen_library_names. Racing first calls resolve the same
 * address, so a relaxed race is harmless; the slot is published with release
 * and read with acquire. A function found nowhere is fatal when it is called,
 * never before (an interposer is inert in a program that does not use its
 * library). */
void *cgosan_gen_resolve(void **slot, const char *name);

/* The library the interposer was made for, as cgosan-gen was given it (a
 * soname) and as it resolved it (a path); NULL-terminated. Generated. */
extern const char *const cgosan_gen_library_names[];

static inline void *cgosan_gen_resolved(void **slot) {
  return __atomic_load_n(slot, __ATOMIC_ACQUIRE);  /* NULL: not yet */
}

static inline void *cgosan_gen_real(void **slot, const char *name) {
  void *fn = cgosan_gen_resolved(slot);
  return fn ? fn : cgosan_gen_resolve(slot, name);
}

/* ---- Who is calling ------------------------------------------------------------
 * cgosan_in_managed(), read inline: every interposed call asks it first, and
 * most are the library's calls to itself (sqlite3_column_int calls
 * sqlite3_mutex_enter through the PLT), which only pass through. The runtime
 * keeps, per thread, a pointer to the status word of the G the thread runs
 * (never null; a word that says "no G" on a thread with none); it is in the
 * static TLS block (libcgosan is loaded with the program), so one
 * initial-exec load reads it, and one more the status: 1 is "running". */
extern __thread const unsigned int *__cgosan_g_status
    __attribute__((tls_model("initial-exec")));

static inline int cgosan_gen_in_managed(void) { return *__cgosan_g_status == 1; }

/* retention=full: a pointer argument no check looks at is still lent to the
 * call (cgosan_lend); in the other modes, one load skips it. */
extern unsigned char __cgosan_lending;
static inline void cgosan_gen_lend(const void *p, const char *callee, int argno) {
  if (__builtin_expect(__cgosan_lending, 0))
    cgosan_lend(p, callee, argno);
}
/* The same for every pointer argument of a function that promised noescape
 * (`noescape = yes`): the promise goes with the lend, for the report. */
static inline void cgosan_gen_lend_noescape(const void *p, const char *callee,
                                            int argno) {
  if (__builtin_expect(__cgosan_lending, 0))
    cgosan_lend_noescape(p, callee, argno);
}

/* A foreign heap is registered (Boehm GC through cgosan-run --heap): calls
 * made off a G that an annotation says keep an argument are checked too
 * (cgosan_check_retained_foreign); else one load skips them. */
extern unsigned char __cgosan_foreign_heap;
static inline int cgosan_gen_foreign_heap(void) {
  return __builtin_expect(__atomic_load_n(&__cgosan_foreign_heap, __ATOMIC_RELAXED), 0);
}

/* retention=full with a foreign heap that keeps unreachable objects: the
 * data pointers of calls made off a G are lent too (cgosan_lend), so that
 * an object the library keeps and its collector then frees is watched for
 * a first access; else one load skips them, also on the exported
 * function's path to the real one. */
extern unsigned char __cgosan_foreign_lending;
static inline int cgosan_gen_foreign_lending(void) {
  return __builtin_expect(__atomic_load_n(&__cgosan_foreign_lending, __ATOMIC_RELAXED), 0);
}

/* ---- Callbacks ----------------------------------------------------------------
 * One signature per distinct function-pointer type of the header. libffi
 * receives the foreign call (the closure); `invoke`, generated C, calls the
 * user's function with libffi's argument array and stores its result the way
 * libffi expects it. The result of a callback is checked with
 * cgosan_check_result when check_result is set (result_type NULL = untyped).
 * The cif is prepared on first use. */
typedef struct cgosan_gen_callback_sig {
  ffi_type *result;
  ffi_type **args;
  unsigned num_args;
  void (*invoke)(void *fn, void *result, void **args);
  int check_result;
  const cgosan_type *result_type;
  ffi_cif cif;       /* prepared under the closure table's lock */
  int cif_prepared;
} cgosan_gen_callback_sig;

/* Around its call of the user's function, an invoker tells the runtime which
 * function it calls from its frame (rtl/entry_frames.h), so that stacks name
 * the function even when it tail-called an interposed one and left no frame.
 * begin returns what end restores. Exported by libcgosan. */
unsigned long __cgosan_entry_begin(const void *fp, const void *fn);
void __cgosan_entry_end(unsigned long depth);

/* The function foreign code must call instead of fn: a closure that runs fn as
 * managed code (cgosan_cgocallback), or fn itself when fn is NULL, a sentinel
 * (SQLITE_TRANSIENT is -1), or code that is not managed (libc, libffi, the
 * runtime, this interposer or any other one cgosan-gen made). The same
 * (fn, sig) always gives the same closure, which lives as long as the
 * process: libraries compare callbacks and may call them at any time. `what` names the callback in
 * reports ("callback xCompare of sqlite3_create_collation"). */
void *cgosan_gen_callback(cgosan_gen_callback_sig *sig, void *fn,
                          const char *what);

/* ---- The annotation model (docs/annotations.md) ----------------------------*/
#define CGOSAN_GEN_NO_PARAM (-1)

/* The memory pointer parameter `param` hands to the callee: element_size *
 * elements bytes, times the value of parameter `count_param` unless that is
 * CGOSAN_GEN_NO_PARAM (a negative value: nothing); with
 * CGOSAN_GEN_ACCESS_STRING, the C string instead (strlen + 1); with
 * CGOSAN_GEN_ACCESS_STRING_IF_NEGATIVE, the C string when the count is
 * negative (sqlite3_bind_text's -1). A write with CGOSAN_GEN_ACCESS_WRITE,
 * else a read. Every data pointer has a row unless its default is nothing
 * (void, character buffers, incomplete types), it is annotated `none`, or its
 * function is thread-safe (then only its `access` lines have rows). */
#define CGOSAN_GEN_ACCESS_WRITE 1u
#define CGOSAN_GEN_ACCESS_STRING 2u
#define CGOSAN_GEN_ACCESS_STRING_IF_NEGATIVE 4u
typedef struct cgosan_gen_access {
  int param;
  unsigned flags;
  int count_param;
  long long elements;
  size_t element_size;
} cgosan_gen_access;

/* Parameter `param` stays with the library after the call, until one of
 * `until` (NULL-terminated) is called with the value of parameter `key` as its
 * first argument; only when parameter `when_param` equals `when_value`, if
 * when_param is not CGOSAN_GEN_NO_PARAM. Unless slot_param is
 * CGOSAN_GEN_NO_PARAM, that parameter says where `key` keeps it, and the
 * next call on the same slot ends it; with has_result, only a call whose
 * result is result_value keeps it. */
typedef struct cgosan_gen_retention {
  int param;
  int key;
  int when_param;
  long long when_value;
  const char *const *until;
  int slot_param;
  int has_result;
  long long result_value;
} cgosan_gen_retention;

/* Parameter `param` is handed back to the callback parameter `callback`. */
typedef struct cgosan_gen_user_data {
  int param;
  int callback;
} cgosan_gen_user_data;

#define CGOSAN_GEN_BLOCKS 1u      /* may block (sleep, wait for I/O or locks) */
#define CGOSAN_GEN_CALLS_BACK 2u  /* may call back into managed code         */
#define CGOSAN_GEN_THREAD_SAFE 4u /* synchronizes its work on its arguments  */
#define CGOSAN_GEN_NOCALLBACK 8u  /* never calls back, never blocks: crosses
                                     with cgosan_cgocall_nocallback          */
#define CGOSAN_GEN_NOESCAPE 16u   /* keeps none of the managed pointers it
                                     receives (cgosan_lend_noescape)         */

typedef struct cgosan_gen_function_model {
  const char *function;
  unsigned flags;
  const cgosan_gen_retention *retains;
  unsigned num_retains;
  const cgosan_gen_user_data *user_data;
  unsigned num_user_data;
  const cgosan_gen_access *access;
  unsigned num_access;
} cgosan_gen_function_model;

typedef struct cgosan_gen_library_model {
  const char *library;
  const cgosan_gen_function_model *functions;
  unsigned num_functions;
} cgosan_gen_library_model;

/* ---- What a call hands to the callee (the race checker, rule 5) ----------
 * Before a managed caller's cgocall, the wrapper records each row of its
 * function's access table (above) as an access made by that call: `where` is
 * the function's name, a literal. With race=off (the default) the wrapper
 * skips it all after one load: cgosan_race_enabled() is asked once, on the
 * first call, and kept (it never changes after start-up). p is the pointer
 * argument (NULL, or memory that is not managed: nothing is recorded), count
 * the value of the row's count_param (0 when it has none), converted to
 * long long. */
extern int cgosan_gen_race_state;  /* 0: not asked yet, 1: off, 2: on */
int cgosan_gen_race_query(void);

static inline int cgosan_gen_race_enabled(void) {
  int state = __atomic_load_n(&cgosan_gen_race_state, __ATOMIC_RELAXED);
  return state ? state - 1 : cgosan_gen_race_query();
}

void cgosan_gen_record_access(const cgosan_gen_access *row,
                              const void *p, long long count,
                              const char *where);

#endif /* CGOSAN_INTERPOSER_RT_H */
