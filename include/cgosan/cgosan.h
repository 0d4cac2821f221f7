/*
 * cgosan.h — the public C API of CgoSanitizer (the contract).
 *
 * cgosan brings Go's cgo call discipline to any program: managed code runs on
 * runtime-owned goroutine stacks (G), foreign C code runs on the thread's
 * system stack (g0), and every crossing goes through cgosan_cgocall (managed
 * to foreign) or cgosan_cgocallback (foreign to managed), exactly like Go's
 * runtime.cgocall / runtime.cgocallback. See docs/design-notes.md for the
 * choices behind each function.
 *
 * Names and meanings here are fixed: programs outside this repository are
 * written against them. New functions may be added; none is renamed.
 *
 * Every function is safe to call from any thread. None of them changes errno,
 * except that cgosan_cgocall (and cgosan_cgocall_nocallback) leaves in errno
 * the value the foreign function left there. Misuse (a NULL function, a call from the wrong state) is
 * reported as "api-misuse" or "bad-callback" and, unless
 * CGOSAN_OPTIONS=halt_on_error=0, ends the process with exitcode (default 66).
 */
#ifndef CGOSAN_CGOSAN_H
#define CGOSAN_CGOSAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A managed type: what the collector and the pointer checks know of a value.
 * Objects keep a pointer to their type, which the collector reads whenever it
 * scans them, so a type must outlive every object made of it: give it static
 * storage, as Go's type descriptors have (a conservatively scanned stack can
 * keep a dead object alive longer than any pointer the program holds), and
 * do not change it while it has objects: their sizes and pointer maps are
 * its own. A type whose ptrdata is not 0 needs a ptrmask and a ptrdata no
 * larger than its size, and an array of it a size that is a multiple of 8
 * (pointers are word-aligned); any other is refused as api-misuse. */
typedef struct cgosan_type {
  const char    *name;     /* shown in reports                                   */
  size_t         size;     /* bytes of one value                                 */
  size_t         ptrdata;  /* bytes of the prefix that may hold managed pointers */
  const uint8_t *ptrmask;  /* bit i (byte i/8, bit i%8) = word i is a pointer slot */
  uint32_t       flags;    /* CGOSAN_TYPE_REFERENCE: the value itself is a managed
                              reference foreign code may never hold (Go chan/map/func) */
} cgosan_type;

#define CGOSAN_TYPE_REFERENCE 1u

typedef void (*cgosan_fn)(void *arg);

/* Runs fn(arg) as a new G (goroutine) on the calling thread, on a stack the
 * runtime owns (size: CGOSAN_OPTIONS=stack_size, default 64 KiB, guard page
 * below). Returns 0 once fn has run; EINVAL for a NULL fn, or when called from
 * managed code or from foreign code inside a cgocall (both are api-misuse). */
int cgosan_run(cgosan_fn fn, void *arg);

/* 1 when the caller runs managed code: on a G stack, not inside a cgocall. */
int cgosan_in_managed(void);

/* Managed -> foreign (Go's cgocall): parks the G at its stack pointer, switches
 * to the thread's system stack, runs fn(frame) there, switches back. errno is
 * cleared before fn runs; the return value is the errno fn left, which errno
 * also holds after the call. From foreign code (not on a G) fn runs directly on
 * the current stack. A NULL fn is api-misuse: nothing is called, EINVAL. */
int cgosan_cgocall(cgosan_fn fn, void *frame);

/* Managed -> foreign for a function that promised two things (Go 1.22's
 * `#cgo nocallback`, plus "does not block"): it never calls back into managed
 * code, and it returns promptly. The cheapest correct crossing: fn(frame) runs
 * on the system stack, but the G is not parked, so a collection that starts
 * meanwhile waits for the call to return, as it waits for a G that runs
 * managed code. A function that blocks therefore holds up every collection
 * (CGOSAN_OPTIONS=verbosity=1 names it once a collection has waited a
 * second). A callback from inside fn, on this thread, is reported as
 * bad-callback and not run. callee names fn in those messages (NULL: the
 * symbolizer names fn). errno and the result are as for cgosan_cgocall; the
 * call is counted by cgosan_num_cgocall. From foreign code fn runs directly;
 * a NULL fn is api-misuse: nothing is called, EINVAL. */
int cgosan_cgocall_nocallback(cgosan_fn fn, void *frame, const char *callee);

/* Foreign -> managed (Go's cgocallback): from foreign code inside a cgocall,
 * runs fn(frame) on the calling G's stack below the cgocall frame; from a
 * thread foreign code created (or any thread not running a G), attaches the
 * thread as an extra M with a fresh G (Go's needm) for the duration of fn.
 * Callbacks and calls nest to any depth. A C++ exception leaving fn is stopped
 * here and reported as unwind-across-boundary. */
void cgosan_cgocallback(cgosan_fn fn, void *frame);

/* Number of managed -> foreign calls made so far (Go's runtime.NumCgoCall). */
int64_t cgosan_num_cgocall(void);

/* ---- The managed heap (embedded default) ----------------------------------
 * Typed, zeroed allocation; a stop-the-world mark-sweep collector that is
 * precise on the heap (ptrmask) and conservative on G stacks.
 * Foreign code may allocate too. What it makes is a local reference of its
 * thread (JNI's term), kept alive by the collector: inside a cgocall, until
 * that cgocall returns; on a thread running no managed code, until the
 * thread's next allocation. Root it before then (a cgosan_add_root slot, a
 * pin, a handle, or a store into managed memory that is reachable). */
/* A zero-size request (a type of size 0, or n == 0) returns one address
 * shared by all of them, never freed, that counts as pinned (Go's zerobase).
 * A pointer one past an object's end belongs to that object (room is kept
 * for it: it is never the next object's address). */
void *cgosan_new(const cgosan_type *t);                       /* zeroed          */
void *cgosan_new_array(const cgosan_type *elem, size_t n);    /* n zeroed values */
void  cgosan_gc(void);                                        /* full collection */
/* *slot keeps its target alive. The collector reads each slot, a root slot
 * or a pointer in a managed object, at one moment of a collection, and does
 * not stop foreign code: foreign code that moves a pointer from one slot to
 * another (and clears the old one) while a collection may run must keep the
 * object reachable in between some other way (pinned, or a handle:
 * cgosan_handle_new, then cgosan_handle_delete of the old one, is safe), or
 * move it on a G. Storing an object it has just made, or a copy it leaves in
 * the old slot, is fine. */
void  cgosan_add_root(void **slot);
void  cgosan_remove_root(void **slot);
int   cgosan_is_managed(const void *p); /* 1 if p points into a live object (or
                                           is the zero-size address)            */

/* ---- Pointer-passing checks (Go's cgocheck) --------------------------------
 * Called by the call site (by hand, the interposer, or the clang pass). t is
 * what the call site passes: a field's type, an n-element array type for
 * &a[0], or NULL for an untyped pointer (check the whole object p points
 * into). Reports unpinned-pointer-in-argument / -in-result.
 * G stacks are managed memory too: a typed p into a live G stack has t's
 * bytes checked as a heap object's would be; a pointer into a G stack found
 * in checked memory fails (stack memory cannot be pinned) unless it points
 * into the frames the call keeps (the caller's and up). An untyped
 * p into a G stack checks nothing: a frame has no known extent or layout
 * (pass the value's type to have it checked). A result pointing into the
 * returning callback's own frames always fails (they are gone when it
 * returns); into frames below the cgocall it returns to, t's bytes are
 * checked. */
void  cgosan_check_arg(const void *p, const cgosan_type *t, const char *callee, int argno);
/* A pointer variable whose declared pointee is `pointee` (the interposer's
 * wrappers, which see a value, not the expression that made it): the whole
 * managed object p points into, as cgosan_check_arg(p, NULL, ...); on a G
 * stack, where there are no object bounds, pointee's bytes at p (NULL:
 * nothing is checked there). */
void  cgosan_check_arg_var(const void *p, const cgosan_type *pointee,
                           const char *callee, int argno);
/* A result must itself be pinned, and the whole object it points into (as
 * Go's cgoCheckResult) holds no unpinned pointer; t says only whether it is a
 * managed reference. */
void  cgosan_check_result(const void *p, const cgosan_type *t, const char *callee);
/* cgocheck=2: managed code stores val into *slot / copies n bytes to dst.
 * Reports unpinned-pointer-store when an unpinned managed pointer, or a
 * pointer into any G stack, lands in memory that is not managed (the heap
 * and the live G stacks are). */
void  cgosan_check_store(void **slot, void *val);
void  cgosan_check_memmove(void *dst, const void *src, size_t n);
/* The same for a copy of values of type t in a row from src (Go's typed
 * copy): t's pointer map says which source words are pointers when src is
 * not managed memory (a local, a global, foreign memory); a managed source
 * is judged by its own type, as cgosan_check_memmove does. t NULL is
 * cgosan_check_memmove. The clang pass calls it with the copied C type. */
void  cgosan_check_memmove_typed(void *dst, const void *src, size_t n,
                                 const cgosan_type *t);
/* Rule 2, known retention: the callee keeps argument argno (p) after it
 * returns, until one of the calls `until` names ("sqlite3_reset/finalize"),
 * as an annotation says (`retains`, docs/annotations.md). Reports
 * retained-pointer when p points into a managed object that is not pinned.
 * The interposer calls it; CGOSAN_OPTIONS=retention=off turns it off. */
void  cgosan_check_retained(const void *p, const char *callee, int argno,
                            const char *until);
/* The same check, then followed until it ends: a pinned object p is kept by
 * `owner` (the annotation's `by` argument: the sqlite3_stmt *) until one of
 * `until_names` (NULL-terminated, static storage: "sqlite3_reset", ...) is
 * called with owner as its first argument (cgosan_retention_end). Its last
 * pin released before that is a retained-pointer report ("unpinned while
 * still retained"). A p on a live G stack is reported at the call (stack
 * memory cannot be pinned, and the frame will be reused). The interposer
 * and the pass call it for `retains` annotations. */
void  cgosan_check_retained_by(const void *p, const void *owner,
                               const char *callee, int argno, const char *until,
                               const char *const *until_names);
/* The same check for a call made off a G (a program whose managed objects
 * are a foreign heap's: an unmodified Boehm GC program), and for p outside
 * cgosan's own heap: when p points into an object of a registered heap
 * (cgosan/heap.h) that foreign code may not hold, the retention is recorded
 * and the heap asked to report the object's death; if the heap frees it
 * before an `until` call, that is a retained-pointer report ("freed by
 * collection N while callee retains argument ARGNO until UNTIL"). Nothing
 * is reported at the call: the program may keep the object reachable. */
void  cgosan_check_retained_foreign(const void *p, const void *owner,
                                    const char *callee, int argno,
                                    const char *until,
                                    const char *const *until_names);
/* cgosan_check_retained_foreign for an annotation with a `slot` clause:
 * first whatever owner kept in that slot is no longer kept. */
void  cgosan_check_retained_foreign_in_slot(const void *p, const void *owner,
                                            long long slot, const char *callee,
                                            int argno, const char *until,
                                            const char *const *until_names);
/* fn, an `until` function, is being called with owner as its first
 * argument: the retentions of owner it ends are over. Any thread. */
void  cgosan_retention_end(const void *owner, const char *fn);
/* cgosan_check_retained_by for an annotation with a `slot` clause: the call
 * keeps p in place `slot` of owner (sqlite3's parameter index), so first
 * whatever owner kept in that slot is no longer kept (a p of NULL, for a
 * call that keeps nothing, only does that). */
void  cgosan_check_retained_in_slot(const void *p, const void *owner,
                                    long long slot, const char *callee,
                                    int argno, const char *until,
                                    const char *const *until_names);
/* A call that keeps nothing replaced what owner kept in `slot` (a
 * `rebinds` annotation: sqlite3_bind_int on a parameter that held a
 * SQLITE_STATIC text): that retention is over. */
void  cgosan_retention_end_slot(const void *owner, long long slot);
/* The call callee, which has just been checked with p and owner, failed
 * (an `if result == N` clause did not hold): it keeps nothing, so its
 * record of the object p points into is forgotten. */
void  cgosan_retention_failed(const void *p, const void *owner,
                              const char *callee);
/* Rule 2, watched (CGOSAN_OPTIONS=retention=full): p, an argument of callee
 * that no cgosan_check_arg looks at (its pointee holds no pointers, so
 * nothing is checked), is handed to the foreign call that follows. The
 * object it points into is lent to that call, and watched once it returns:
 * a later foreign access to it is a retained-pointer report. Pinned objects
 * are not lent. Nothing happens in the other modes. */
void  cgosan_lend(const void *p, const char *callee, int argno);
/* cgosan_lend for a callee that promised noescape (Go 1.22's `#cgo
 * noescape`; `noescape = yes`, -cgosan-noescape): it keeps none of the
 * managed pointers it receives. Called for every pointer argument of such a
 * call, after its cgosan_check_arg if any; nothing needs pinning for it. A
 * later foreign access to the object (retention=full) is the
 * retained-pointer report, naming the broken promise. Nothing happens in
 * the other modes. */
void  cgosan_lend_noescape(const void *p, const char *callee, int argno);

/* ---- Pinning (Go's runtime.Pinner) -----------------------------------------*/
typedef struct cgosan_pinner cgosan_pinner;
cgosan_pinner *cgosan_pinner_new(void);
void  cgosan_pin(cgosan_pinner *pn, const void *p);  /* pins the object p points into;
                                                       a stack address: api-misuse */
void  cgosan_unpin(cgosan_pinner *pn);               /* unpins everything it pinned   */
void  cgosan_pinner_free(cgosan_pinner *pn);         /* pinner-leak if still pinning  */

/* ---- Handles (Go's cgo.Handle, with generations) ---------------------------*/
uintptr_t cgosan_handle_new(void *p);
void     *cgosan_handle_value(uintptr_t h);
void      cgosan_handle_delete(uintptr_t h);

/* ---- Races across the boundary (rule 5; CGOSAN_OPTIONS=race=off|go|precise)
 * Happens-before edges from managed-side synchronisation, like
 * __tsan_release / __tsan_acquire: everything the releasing thread did before
 * cgosan_release(addr) happens before what a thread does after a later
 * cgosan_acquire(addr). addr only names the sync object (a mutex, a flag).
 * The range calls record an access of [p, p + n) by the calling thread, with
 * its stack, and report data-race when it overlaps an earlier access of
 * another thread, one of them writes, and no edge orders them. `where` names
 * the foreign call the access is made for (the interposer passes the callee,
 * e.g. "sqlite3_blob_read"): the access is reported as that call's, foreign
 * code, and suppressible by that name. It is kept, so it must stay valid for
 * the life of the process (a literal). NULL records an access of the calling
 * code itself (managed on a G, foreign elsewhere).
 * With race=off (the default) all four return at once, and
 * cgosan_race_enabled() is 0, so a caller can skip computing ranges. It is 1
 * for race=go and precise, and in a process built with -fsanitize=thread,
 * where cgosan forwards edges and ranges to TSan whatever the mode; it is
 * fixed at start-up. */
void  cgosan_acquire(const void *addr);
void  cgosan_release(const void *addr);
void  cgosan_race_read_range(const void *p, size_t n, const char *where);
void  cgosan_race_write_range(const void *p, size_t n, const char *where);
int   cgosan_race_enabled(void);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* CGOSAN_CGOSAN_H */
