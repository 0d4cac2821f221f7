/* interposer_rt.c — the code every cgosan-gen interposer shares (see
 * interposer_rt.h): real-function resolution, callback closures, and the race
 * records of what a call hands to the callee.
 *
 * Closures live in one fixed table, found without a lock: an entry is filled
 * under the lock and published by a release store of its key, so a reader that
 * sees the key sees the rest. Entries are never removed (a library may call a
 * callback at any time, and compares callback pointers to unregister them). */
#define _GNU_SOURCE
#include "interposer_rt.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kMsgUnresolved[] =
    "cgosan interposer: cannot call %s: no object loaded after the interposer "
    "defines it (%s), and its library (%s) is not loaded in this process or "
    "does not define it\n";
static const char kMsgTableFull[] =
    "cgosan interposer: more than %d distinct callback functions; cannot wrap "
    "%s\n";
static const char kMsgClosureFailed[] =
    "cgosan interposer: cannot make a libffi closure for %s\n";

/* The library's own handle, NULL while the process has not loaded it. Kept
 * once found (the reference it holds keeps the library, and so every
 * resolved function, mapped). */
static void *LibraryHandle(void) {
  static void *handle;
  void *h = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
  if (h)
    return h;
  for (const char *const *name = cgosan_gen_library_names; *name && !h; name++)
    h = dlopen(*name, RTLD_NOLOAD | RTLD_LAZY);
  if (!h)
    return NULL;
  void *expected = NULL;
  if (!__atomic_compare_exchange_n(&handle, &expected, h, 0, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    dlclose(h);  /* a racing caller published the same library first */
    h = expected;
  }
  return h;
}

void *cgosan_gen_resolve(void **slot, const char *name) {
  void *fn = dlsym(RTLD_NEXT, name);
  if (!fn) {
    const char *why = dlerror();
    char next_error[256];
    snprintf(next_error, sizeof next_error, "%s", why ? why : "not found");
    void *lib = LibraryHandle();
    fn = lib ? dlsym(lib, name) : NULL;
    if (!fn) {
      fprintf(stderr, kMsgUnresolved, name, next_error,
              cgosan_gen_library_names[0]);
      abort();
    }
  }
  __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
  return fn;
}

/* ---- libffi itself -----------------------------------------------------------
 * The closures below are made with libffi, and those calls must reach libffi
 * itself. Called by name they bind, through the global scope where preloaded
 * interposers come first, to the wrappers of an interposer made for libffi
 * (`cgosan-run --lib ffi`): called from managed code, such a wrapper wraps
 * cgosan_gen_closure_entry as a managed callback and asks its runtime for a
 * closure, which asks libffi by name again, under the same closure lock: a
 * deadlock (and with two interposers, one's runtime checked as managed code
 * by the other). dlsym(RTLD_NEXT) is no cure: it searches the objects loaded
 * after this one, and the libffi interposer may be one of them. dlsym on
 * libffi's own handle searches libffi and its dependencies only. The handle
 * is that of the first libffi.so.N the process has loaded (this interposer
 * links one). Resolved once, under closure_lock. */
typedef struct RealFfi {
  ffi_status (*prep_cif)(ffi_cif *, ffi_abi, unsigned, ffi_type *,
                         ffi_type **);
  void *(*closure_alloc)(size_t, void **);
  ffi_status (*prep_closure_loc)(ffi_closure *, ffi_cif *,
                                 void (*)(ffi_cif *, void *, void **, void *),
                                 void *, void *);
  void (*closure_free)(void *);
  void *base;  /* libffi's load address: its code is foreign */
} RealFfi;

static const char kMsgNoFfi[] =
    "cgosan interposer: cannot find libffi's own %s (%s); cannot wrap %s\n";

typedef struct FfiSearch {
  char path[4096];
} FfiSearch;

static int FindFfi(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  const char *slash = strrchr(info->dlpi_name, '/');
  const char *name = slash ? slash + 1 : info->dlpi_name;
  if (strncmp(name, "libffi.so", 9) != 0)
    return 0;
  snprintf(((FfiSearch *)data)->path, sizeof ((FfiSearch *)data)->path, "%s",
           info->dlpi_name);
  return 1;
}

static void *ObjectBase(const void *addr);

static const RealFfi *Ffi(const char *what) {
  static RealFfi ffi;
  if (ffi.base)
    return &ffi;
  FfiSearch search = {""};
  dl_iterate_phdr(FindFfi, &search);  /* dlopen outside the iteration's lock */
  void *lib = search.path[0] ? dlopen(search.path, RTLD_NOLOAD | RTLD_LAZY) : NULL;
  if (!lib) {
    fprintf(stderr, kMsgNoFfi, "library", "no libffi.so.N is loaded", what);
    abort();
  }
  static const char *const kNames[] = {"ffi_prep_cif", "ffi_closure_alloc",
                                        "ffi_prep_closure_loc",
                                        "ffi_closure_free"};
  void *fns[4];
  for (int i = 0; i < 4; i++) {
    fns[i] = dlsym(lib, kNames[i]);
    if (!fns[i]) {
      fprintf(stderr, kMsgNoFfi, kNames[i], search.path, what);
      abort();
    }
  }
  memcpy(&ffi.prep_cif, &fns[0], sizeof fns[0]);
  memcpy(&ffi.closure_alloc, &fns[1], sizeof fns[1]);
  memcpy(&ffi.prep_closure_loc, &fns[2], sizeof fns[2]);
  memcpy(&ffi.closure_free, &fns[3], sizeof fns[3]);
  ffi.base = ObjectBase(fns[0]);  /* last: it says the rest is there */
  return &ffi;
}

/* ---- Which code is managed -------------------------------------------------
 * A function pointer is wrapped when it points into an object that is not
 * known foreign code: libc, libffi, libcgosan, this interposer (a pointer to
 * one of our wrappers already checks its own calls), or any other interposer
 * cgosan-gen made (its wrappers check their calls; its runtime is not
 * managed code), recognized by the marker every one exports. A value dladdr
 * cannot place (NULL, -1, small integers used as sentinels) is passed
 * through. Called under closure_lock. */
enum { kNumForeignObjects = 4 };

__attribute__((visibility("default")))
const char cgosan_gen_interposer_marker[] = "made by cgosan-gen";

static void *ObjectBase(const void *addr) {
  Dl_info info;
  return dladdr(addr, &info) ? info.dli_fbase : NULL;
}

/* Whether the object loaded at base (whose file is path) is an interposer:
 * its own marker, found by dlsym on its handle (which searches it first). */
static int IsInterposer(const char *path, void *base) {
  if (!path || !path[0])
    return 0;  /* the main program */
  void *object = dlopen(path, RTLD_NOLOAD | RTLD_LAZY);
  if (!object)
    return 0;
  void *marker = dlsym(object, "cgosan_gen_interposer_marker");
  int yes = marker && ObjectBase(marker) == base;
  dlclose(object);
  return yes;
}

static int IsManagedCode(const void *fn, const char *what) {
  static void *foreign[kNumForeignObjects];
  if (!foreign[0]) {
    foreign[1] = Ffi(what)->base;
    foreign[2] = ObjectBase((const void *)&cgosan_cgocall);
    foreign[3] = ObjectBase((const void *)&cgosan_gen_callback);
    foreign[0] = ObjectBase((const void *)&abort);
  }
  Dl_info info;
  if (!dladdr(fn, &info) || !info.dli_fbase)
    return 0;
  for (int i = 0; i < kNumForeignObjects; i++)
    if (info.dli_fbase == foreign[i])
      return 0;
  return !IsInterposer(info.dli_fname, info.dli_fbase);
}

/* ---- The closure table -------------------------------------------------------*/
enum { kTableSize = 4096, kMaxEntries = kTableSize * 3 / 4 };

typedef struct cgosan_gen_closure {
  void *fn;                      /* key part 1; published last (release) */
  cgosan_gen_callback_sig *sig;  /* key part 2 */
  void *code;                    /* what foreign code calls (fn if not wrapped) */
  const char *what;
} cgosan_gen_closure;

static cgosan_gen_closure closure_table[kTableSize];
static int closure_count;
static pthread_mutex_t closure_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct cgosan_gen_callback_frame {
  const cgosan_gen_closure *closure;
  void *result;
  void **args;
  int at_boundary;  /* called by foreign code: check the result */
} cgosan_gen_callback_frame;

static void cgosan_gen_run_callback(void *frame_arg) {
  const cgosan_gen_callback_frame *frame = frame_arg;
  const cgosan_gen_closure *c = frame->closure;
  c->sig->invoke(c->fn, frame->result, frame->args);
  if (frame->at_boundary && c->sig->check_result)
    cgosan_check_result(*(void **)frame->result, c->sig->result_type, c->what);
}

static void cgosan_gen_closure_entry(ffi_cif *cif, void *result, void **args,
                                     void *closure) {
  (void)cif;
  cgosan_gen_callback_frame frame = {closure, result, args, 0};
  if (cgosan_gen_in_managed()) {  /* managed code called it directly */
    cgosan_gen_run_callback(&frame);
    return;
  }
  frame.at_boundary = 1;
  cgosan_cgocallback(cgosan_gen_run_callback, &frame);
}

static size_t Slot(const void *fn, const cgosan_gen_callback_sig *sig) {
  uintptr_t h = (uintptr_t)fn * 0x9E3779B97F4A7C15ull ^ (uintptr_t)sig;
  return (size_t)(h >> 20) & (kTableSize - 1);
}

/* The entry of (fn, sig), or the empty slot where it belongs. */
static cgosan_gen_closure *Probe(void *fn, const cgosan_gen_callback_sig *sig) {
  for (size_t i = Slot(fn, sig);; i = (i + 1) & (kTableSize - 1)) {
    cgosan_gen_closure *e = &closure_table[i];
    void *key = __atomic_load_n(&e->fn, __ATOMIC_ACQUIRE);
    if (!key || (key == fn && e->sig == sig))
      return e;
  }
}

static void *MakeClosure(cgosan_gen_closure *e) {
  cgosan_gen_callback_sig *sig = e->sig;
  const RealFfi *ffi = Ffi(e->what);
  if (!sig->cif_prepared) {
    if (ffi->prep_cif(&sig->cif, FFI_DEFAULT_ABI, sig->num_args, sig->result,
                      sig->args) != FFI_OK)
      return NULL;
    sig->cif_prepared = 1;
  }
  void *code;
  ffi_closure *closure = ffi->closure_alloc(sizeof(ffi_closure), &code);
  if (!closure)
    return NULL;
  if (ffi->prep_closure_loc(closure, &sig->cif, cgosan_gen_closure_entry, e,
                            code) != FFI_OK) {
    ffi->closure_free(closure);
    return NULL;
  }
  return code;
}

void *cgosan_gen_callback(cgosan_gen_callback_sig *sig, void *fn,
                          const char *what) {
  if (!fn)
    return fn;
  cgosan_gen_closure *e = Probe(fn, sig);
  if (e->fn)
    return e->code;
  pthread_mutex_lock(&closure_lock);
  e = Probe(fn, sig);
  if (!e->fn) {
    if (closure_count == kMaxEntries) {
      fprintf(stderr, kMsgTableFull, kMaxEntries, what);
      abort();
    }
    e->sig = sig;
    e->what = what;
    e->code = fn;
    if (IsManagedCode(fn, what)) {
      e->code = MakeClosure(e);
      if (!e->code) {
        fprintf(stderr, kMsgClosureFailed, what);
        abort();
      }
    }
    closure_count++;
    __atomic_store_n(&e->fn, fn, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&closure_lock);
  return e->code;
}

/* ---- What a call hands to the callee -----------------------------------------
 * The state is asked of the runtime once; racing first callers ask the same
 * question and store the same answer.
 * Only managed memory is recorded, as the clang pass records it: that is what
 * crosses the boundary. Foreign memory (the C heap, thread and G stacks) is
 * recycled where the checker cannot see it (free then malloc on another
 * thread, a G stack reused by the next G), so an out-parameter on the stack
 * (sqlite3_open's &db) would race with the previous life of its address;
 * races on it are TSan's business. */
int cgosan_gen_race_state;

int cgosan_gen_race_query(void) {
  int on = cgosan_race_enabled() != 0;
  __atomic_store_n(&cgosan_gen_race_state, on + 1, __ATOMIC_RELAXED);
  return on;
}

/* The bytes of the C string at p, with its NUL. Not strlen: the runtime
 * intercepts it (a managed string's bytes are the program's read there),
 * and this measuring is the interposer's own, not the program's. */
static size_t StringBytes(const char *p) {
  return (size_t)((const char *)rawmemchr(p, 0) - p) + 1;
}

/* The bytes of row's range for count, or 0 when it has none: a negative
 * count (unless it means the C string), or a product that overflows. */
static size_t AccessBytes(const cgosan_gen_access *row, const char *p,
                          long long count) {
  if (row->flags & CGOSAN_GEN_ACCESS_STRING)
    return StringBytes(p);
  long long elements = row->elements;
  if (row->count_param != CGOSAN_GEN_NO_PARAM) {
    if (count < 0)
      return (row->flags & CGOSAN_GEN_ACCESS_STRING_IF_NEGATIVE) ? StringBytes(p)
                                                                 : 0;
    if (__builtin_mul_overflow(elements, count, &elements))
      return 0;
  }
  size_t bytes;
  if (elements <= 0 ||
      __builtin_mul_overflow((size_t)elements, row->element_size, &bytes))
    return 0;
  return bytes;
}

void cgosan_gen_record_access(const cgosan_gen_access *row, const void *p,
                              long long count, const char *where) {
  if (!p || !cgosan_is_managed(p))
    return;
  size_t bytes = AccessBytes(row, p, count);
  if (!bytes)
    return;
  if (row->flags & CGOSAN_GEN_ACCESS_WRITE)
    cgosan_race_write_range(p, bytes, where);
  else
    cgosan_race_read_range(p, bytes, where);
}
