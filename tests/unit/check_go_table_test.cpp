// check_go_table_test.cpp — every case of Go's pointer-check table
// (cmd/cgo/internal/testerrors/ptr_test.go), expressed over this heap, run the
// way Go's testOne runs them: with cgocheck=1, 2 and 0.
//
// Translation: new(T) is cgosan_new(&T); a Go struct, array or slice backing
// store is a managed object whose cgosan_type has the same pointer words; C
// memory is malloc; what cgo's generated call site checks is spelled out as
// the cgosan_check_* call it makes (the call site picks t: a field's type for
// &x.f, an n-element array type for &a[0], NULL for an unsafe.Pointer of a
// plain pointer). A by-value aggregate (Go's string) is checked one pointer
// field at a time. Go's Go-memory globals (data/bss) are managed objects
// kept by cgosan_add_root: this heap's globals. Each case names its Go twin.
//
// Expectations, as Go's testOne: a failing case fails with cgocheck=1 (or only
// with cgocheck=2 when "expensive": the store checks) and is silent with
// cgocheck=0; a passing case is silent with 0, 1 and 2.
#include <regex>
#include <thread>
#include <vector>

#include "check_test_util.h"

namespace cgotest {
namespace {

// ---- Types ---------------------------------------------------------------------
const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
const cgosan_type kInt64 = {"int64_t", 8, 0, nullptr, 0};
const cgosan_type kChar = {"char", 1, 0, nullptr, 0};
const cgosan_type kIntPtr = {"int *", 8, 8, kMask1, 0};
const cgosan_type kCharPtr = {"char *", 8, 8, kMask1, 0};
const cgosan_type kCharPtr1 = {"char *[1]", 8, 8, kMask1, 0};
const cgosan_type kCharPtrPtr1 = {"char **[1]", 8, 8, kMask1, 0};
const cgosan_type kVoidPtr = {"void *", 8, 8, kMask1, 0};
const cgosan_type kVoidPtr1 = {"void *[1]", 8, 8, kMask1, 0};
const cgosan_type kVoidPtr2 = {"void *[2]", 16, 16, kMask3, 0};
const cgosan_type kChar4 = {"char[4]", 4, 0, nullptr, 0};
const cgosan_type kChar8 = {"char[8]", 8, 0, nullptr, 0};
const cgosan_type kChar10 = {"char[10]", 10, 0, nullptr, 0};
// struct s1 { int *p; } (and s2, s28)
const cgosan_type kS1 = {"struct s1", 8, 8, kMask1, 0};
// struct s3 { int i; int *p; } (and s4)
const cgosan_type kS3 = {"struct s3", 16, 16, kMask2, 0};
// struct s5 { int *p1; int *p2; }
const cgosan_type kS5 = {"struct s5", 16, 16, kMask3, 0};
// type S9 struct { p *int; s []unsafe.Pointer }: p, s.data, s.len, s.cap
const cgosan_type kS9 = {"S9", 32, 16, kMask3, 0};
// type S10 struct { p *int; a [4]byte } (and S11)
const cgosan_type kS10 = {"S10", 16, 8, kMask1, 0};
// struct s15 { char *a[10]; }
const uint8_t kMaskS15[2] = {0xff, 0x03};
const cgosan_type kS15 = {"struct s15", 80, 80, kMaskS15, 0};
// typedef struct { const char *p; ptrdiff_t n; } gostring
const cgosan_type kGoString1 = {"gostring[1]", 16, 8, kMask1, 0};
// type S26 struct { p *int; a [8*8]byte; u uintptr }
const cgosan_type kS26 = {"S26", 80, 8, kMask1, 0};
// typedef union { char **p; unsigned long i; } u29; union { unsigned long } u39
const cgosan_type kU29 = {"u29", 8, 8, kMask1, 0};
const cgosan_type kU39 = {"u39", 8, 0, nullptr, 0};
// type S33 struct { p *int; a [8]byte; u uintptr }
const cgosan_type kS33 = {"S33", 24, 8, kMask1, 0};
// type S34 struct { a [8]byte; p *int; b int64 }
const cgosan_type kS34 = {"S34", 24, 16, kMask2, 0};
// type S35a struct { s []*C.char }; type S35b struct { ps *S35a }
const cgosan_type kS35a = {"S35a", 24, 8, kMask1, 0};
const cgosan_type kS35b = {"S35b", 8, 8, kMask1, 0};
// bytes.Buffer { buf []byte; off int; lastRead int8 }
const cgosan_type kBuffer = {"bytes.Buffer", 40, 8, kMask1, 0};
const cgosan_type kBytes64 = {"byte[64]", 64, 0, nullptr, 0};
const cgosan_type kBytes4096 = {"byte[4096]", 4096, 0, nullptr, 0};
// type S40 struct { p *int; a C.struct_S40i }; struct S40i { int i; int *p; }
const cgosan_type kS40 = {"S40", 24, 24, kMask5, 0};
const cgosan_type kS40i = {"struct S40i", 16, 16, kMask2, 0};
// struct { a [4]byte; p *int }
const cgosan_type kA4P = {"struct { a [4]byte; p *int }", 16, 16, kMask2, 0};
// [2]unsafe.Pointer, map[int]int
const cgosan_type kMap = {"map[int]int", 48, 0, nullptr, CGOSAN_TYPE_REFERENCE};

// Types too big for a literal mask: [32769]*C.char, struct s19a { char
// *a[32769]; } and struct s20a (the same layout; s19b and s20b wrap them), and
// S27 { p *int; a [32769*8]byte; q *int; u uintptr }.
constexpr size_t kBig = 32769;
uint8_t big_mask[kBig / 8 + 1];
uint8_t s27_mask[(8 + kBig * 8 + 8) / 64 + 1];
cgosan_type kCharPtrBig = {"char *[32769]", kBig * 8, kBig * 8, big_mask, 0};
cgosan_type kS19a = {"struct s19a", kBig * 8, kBig * 8, big_mask, 0};
cgosan_type kS20a = {"struct s20a", kBig * 8, kBig * 8, big_mask, 0};
cgosan_type kS27 = {"S27", 8 + kBig * 8 + 16, 8 + kBig * 8 + 8, s27_mask, 0};
void InitBigTypes() {
  memset(big_mask, 0xff, kBig / 8);
  big_mask[kBig / 8] = 0x01;
  memset(s27_mask, 0, sizeof(s27_mask));
  s27_mask[0] = 0x01;                       // p
  size_t q = (8 + kBig * 8) / 8;            // q
  s27_mask[q / 8] |= 1 << (q % 8);
}

template <typename T>
T *New(const cgosan_type &t) {
  return static_cast<T *>(cgosan_new(&t));
}
template <typename T>
T *NewArray(const cgosan_type &t, size_t n) {
  return static_cast<T *>(cgosan_new_array(&t, n));
}

struct S3 { intptr_t i; int *p; };
struct S5 { int *p1; int *p2; };
struct S9 { int *p; void **data; size_t len, cap; };
struct S10 { int *p; char a[4]; };
struct S15 { char *a[10]; };
struct GoString { const char *p; ptrdiff_t n; };
struct S26 { int *p; char a[64]; uintptr_t u; };
struct S27 { int *p; char a[kBig * 8]; int *q; uintptr_t u; };
struct S33 { int *p; char a[8]; uintptr_t u; };
struct S34 { char a[8]; int *p; int64_t b; };
struct S35a { char **s; size_t len, cap; };
struct S35b { S35a *ps; };
struct Buffer { char *buf; size_t len, cap; intptr_t off, last_read; };
struct S40i { intptr_t i; int *p; };
struct S40 { int *p; S40i a; };
struct A4P { char a[4]; int *p; };

// The foreign functions of the table do nothing; calling them through
// cgosan_cgocall keeps the shape of a cgo call.
void CNop(void *) {}

// Go's defer: the callable holds the arguments taken at the defer statement
// and makes the call (and so its check) when the enclosing scope ends.
template <typename F>
class Deferred {
 public:
  explicit Deferred(F call) : call_(call) {}
  ~Deferred() { call_(); }
  Deferred(const Deferred &) = delete;
  Deferred &operator=(const Deferred &) = delete;

 private:
  F call_;
};

// ---- The cases (each runs on a G) ------------------------------------------------

// ptr1: C.f1(&C.s1{new(C.int)}) — a struct holding a Go pointer.
void Ptr1() {
  auto **s = New<int *>(kS1);
  *s = New<int>(kInt);
  cgosan_check_arg(s, &kS1, "f1", 0);
}
// ptr2: p := &C.s2{new(C.int)}; C.f2(p) — the same through a variable
// (checked untyped: the whole object).
void Ptr2() {
  auto **s = New<int *>(kS1);
  *s = New<int>(kInt);
  cgosan_check_arg(s, nullptr, "f2", 0);
}
// ok1: C.f3(&p.i) — an int field of a struct that (irrelevantly) holds a pointer.
void Ok1() {
  auto *p = New<S3>(kS3);
  p->p = New<int>(kInt);
  cgosan_check_arg(&p->i, &kInt, "f3", 0);
}
// ptrfield: C.f4(&p.p) — a pointer field holding a Go pointer.
void PtrField() {
  auto *p = New<S3>(kS3);
  p->p = New<int>(kInt);
  cgosan_check_arg(&p->p, &kIntPtr, "f4", 0);
}
// ptrfieldok: C.f5(&p.p1) — p1 is nil; p2 (not passed) holds a Go pointer.
void PtrFieldOk() {
  auto *p = New<S5>(kS5);
  p->p2 = New<int>(kInt);
  cgosan_check_arg(&p->p1, &kIntPtr, "f5", 0);
}
// sliceok1: s := []unsafe.Pointer{nil}; C.f6(&s[0])
void SliceOk1() {
  void **s = NewArray<void *>(kVoidPtr, 1);
  cgosan_check_arg(&s[0], &kVoidPtr1, "f6", 0);
}
// sliceptr1: s := []unsafe.Pointer{unsafe.Pointer(&i)}; C.f7(&s[0])
void SlicePtr1() {
  int *i = New<int>(kInt);
  void **s = NewArray<void *>(kVoidPtr, 1);
  s[0] = i;
  cgosan_check_arg(&s[0], &kVoidPtr1, "f7", 0);
}
// sliceptr2: s := []unsafe.Pointer{nil, &i}; C.f8(&s[0]) — &s[0] checks the
// whole slice, so element 1 counts.
void SlicePtr2() {
  int *i = New<int>(kInt);
  void **s = NewArray<void *>(kVoidPtr, 2);
  s[1] = i;
  cgosan_check_arg(&s[0], &kVoidPtr2, "f8", 0);
}
// sliceok2: p := &S9{p: &i, s: []unsafe.Pointer{nil}}; C.f9(&p.s[0]) — only
// the slice is looked at, not the struct holding it.
void SliceOk2() {
  auto *p = New<S9>(kS9);
  p->p = New<int>(kInt);
  p->data = NewArray<void *>(kVoidPtr, 1);
  p->len = p->cap = 1;
  cgosan_check_arg(&p->data[0], &kVoidPtr1, "f9", 0);
}
// sliceok3: p := &S10{p: &i}; s := p.a[:]; C.f10(unsafe.Pointer(&s[0]))
void SliceOk3() {
  auto *p = New<S10>(kS10);
  p->p = New<int>(kInt);
  char *s = p->a;
  cgosan_check_arg(&s[0], &kChar4, "f10", 0);
}
// sliceok4: C.f11(C.PV11(unsafe.Pointer(&p.a[0])))
void SliceOk4() {
  auto *p = New<S10>(kS10);
  p->p = New<int>(kInt);
  cgosan_check_arg(&p->a[0], &kChar4, "f11", 0);
}
// varok: var hello12 = [...]C.char{'h','e','l','l','o'}; parg := [1]*C.char{
// &hello12[0]}; C.f12(&parg[0]) — a pointer to a global without pointers.
char hello12[] = "hello";
void VarOk() {
  char **parg = NewArray<char *>(kCharPtr, 1);
  parg[0] = &hello12[0];
  cgosan_check_arg(&parg[0], &kCharPtr1, "f12", 0);
}
// var1: var hello13 = [...]*C.char{new(C.char)}; parg := [1]**C.char{
// &hello13[0]}; C.f13(&parg[0]) — a pointer to a global holding a pointer.
// Go's globals are Go memory; this heap's globals are rooted managed objects.
char **hello13;
void Var1() {
  hello13 = NewArray<char *>(kCharPtr, 1);
  cgosan_add_root(reinterpret_cast<void **>(&hello13));
  hello13[0] = New<char>(kChar);
  char ***parg = NewArray<char **>(kCharPtr, 1);
  parg[0] = &hello13[0];
  cgosan_check_arg(&parg[0], &kCharPtrPtr1, "f13", 0);
  cgosan_remove_root(reinterpret_cast<void **>(&hello13));
  hello13 = nullptr;
}
// barrier: p := C.f14a(); *p = new(C.char); C.f14b(p)
void Barrier() {
  char **p = static_cast<char **>(malloc(sizeof(char *)));
  char *x = New<char>(kChar);
  cgosan_check_store(reinterpret_cast<void **>(p), x);
  *p = x;
  cgosan_check_arg(p, &kCharPtr, "f14b", 0);
  free(p);
}
// barrierpinnedok: pinr.Pin(x); *p = x; C.f14b2(p); pinr.Unpin()
void BarrierPinnedOk() {
  char **p = static_cast<char **>(malloc(sizeof(char *)));
  char *x = New<char>(kChar);
  ScopedPinner pinr;
  pinr.Pin(x);
  cgosan_check_store(reinterpret_cast<void **>(p), x);
  *p = x;
  cgosan_check_arg(p, &kCharPtr, "f14b2", 0);
  pinr.Unpin();
  free(p);
}
// barrierstruct: p := C.f15(); p.a = [10]*C.char{new(C.char)} — a 10-pointer
// value copied into C memory.
void BarrierStruct() {
  auto *p = static_cast<S15 *>(calloc(1, sizeof(S15)));
  char **a = NewArray<char *>(kCharPtr, 10);
  a[0] = New<char>(kChar);
  cgosan_check_memmove(p->a, a, sizeof(p->a));
  memcpy(p->a, a, sizeof(p->a));
  cgosan_check_arg(p, &kS15, "f15b", 0);
  free(p);
}
// barrierslice: copy(p.a[:], []*C.char{new(C.char)})
void BarrierSlice() {
  auto *p = static_cast<S15 *>(calloc(1, sizeof(S15)));
  char **s = NewArray<char *>(kCharPtr, 1);
  s[0] = New<char>(kChar);
  cgosan_check_memmove(p->a, s, 1 * sizeof(char *));
  memcpy(p->a, s, 1 * sizeof(char *));
  free(p);
}
// barriergcprogarray: p.a = [32769]*C.char{new(C.char)} (Go: a GC program)
void BarrierGcProgArray() {
  auto **p = static_cast<char **>(calloc(kBig, sizeof(char *)));
  char **a = NewArray<char *>(kCharPtr, kBig);
  a[0] = New<char>(kChar);
  cgosan_check_memmove(p, a, kBig * sizeof(char *));
  free(p);
}
// barriergcprogarrayheap: n := &[32769]*C.char{new(C.char)}; p.a = *n;
// C.f18b(p); n[0] = nil; C.f18c(unsafe.Pointer(n))
void BarrierGcProgArrayHeap() {
  auto **p = static_cast<char **>(calloc(kBig, sizeof(char *)));
  auto **n = static_cast<char **>(cgosan_new(&kCharPtrBig));
  n[0] = New<char>(kChar);
  cgosan_check_memmove(p, n, kBig * sizeof(char *));
  n[0] = nullptr;
  cgosan_check_arg(n, nullptr, "f18c", 0);
  free(p);
}
// barriergcprogstruct: p.f = C.struct_s19a{[32769]*C.char{new(C.char)}}
void BarrierGcProgStruct() {
  auto **p = static_cast<char **>(calloc(kBig, sizeof(char *)));
  auto **v = static_cast<char **>(cgosan_new(&kS19a));
  v[0] = New<char>(kChar);
  cgosan_check_memmove(p, v, kBig * sizeof(char *));
  free(p);
}
// barriergcprogstructheap: n := &C.struct_s20a{...}; p.f = *n; ...;
// n.a[0] = nil; C.f20c(unsafe.Pointer(n))
void BarrierGcProgStructHeap() {
  auto **p = static_cast<char **>(calloc(kBig, sizeof(char *)));
  auto **n = static_cast<char **>(cgosan_new(&kS20a));
  n[0] = New<char>(kChar);
  cgosan_check_memmove(p, n, kBig * sizeof(char *));
  n[0] = nullptr;
  cgosan_check_arg(n, nullptr, "f20c", 0);
  free(p);
}
// export1: func GoFn21() *byte { return new(byte) } — a callback's result.
void Export1() { cgosan_check_result(New<char>(kChar), &kChar, "GoFn21"); }
// exportok: func GoFn22() *byte { return (*byte)(C.malloc(1)) }
void ExportOk() {
  void *p = malloc(1);
  cgosan_check_result(p, &kChar, "GoFn22");
  free(p);
}
// passstring: s := "a"; C.f23(s) — a string by value: its data pointer (a
// literal, not managed) is the one pointer field; and a managed copy of the
// bytes is a top-level pointer to pointer-free memory: fine too.
void PassString() {
  GoString s = {"a", 1};
  cgosan_check_arg(s.p, &kChar, "f23", 0);
  char *data = NewArray<char>(kChar, 1);
  data[0] = 'a';
  s.p = data;
  cgosan_check_arg(s.p, nullptr, "f23", 0);
}
// passstringslice: s := S24{a: [1]string{strings.Repeat("a", 2)}};
// C.f24(unsafe.Pointer(&s.a[0])) — the string's data is a Go pointer.
void PassStringSlice() {
  auto *a = New<GoString>(kGoString1);  // S24 is [1]string
  char *data = NewArray<char>(kChar, 2);
  a[0] = {data, 2};
  cgosan_check_arg(&a[0], &kGoString1, "f24", 0);
}
// retstring: func GoStr25() string { return strings.Repeat("a", 2) } — the
// string's data pointer is returned to C.
void RetString() {
  char *data = NewArray<char>(kChar, 2);
  GoString r = {data, 2};
  cgosan_check_result(r.p, nullptr, "GoStr25");
}
// ptrdata1: p := &S26{u: uintptr(unsafe.Pointer(&i))}; q := malloc; *q = *p;
// C.f26(unsafe.Pointer(q)) — an integer that looks like a pointer.
void PtrData1() {
  int *i = New<int>(kInt);
  auto *p = New<S26>(kS26);
  p->u = Addr(i);
  auto *q = static_cast<S26 *>(malloc(sizeof(S26)));
  cgosan_check_memmove(q, p, sizeof(S26));
  *q = *p;
  cgosan_check_arg(q, nullptr, "f26", 0);
  cgosan_check_arg(p, nullptr, "f26", 0);  // in the heap too: u is no slot
  free(q);
}
// ptrdata2: the same with S27 (Go: a GC program).
void PtrData2() {
  int *i = New<int>(kInt);
  auto *p = New<S27>(kS27);
  p->u = Addr(i);
  auto *q = static_cast<S27 *>(malloc(sizeof(S27)));
  cgosan_check_memmove(q, p, sizeof(S27));
  memcpy(q, p, sizeof(S27));
  cgosan_check_arg(q, nullptr, "f27", 0);
  cgosan_check_arg(p, nullptr, "f27", 0);
  free(q);
}
// defer1: p := &C.s28{}; defer C.f28(p); p.p = new(C.int) — p is taken at
// the defer statement, when *p is still nil, and checked when the deferred
// call runs, after the store: the check sees what memory holds then. p is a
// plain variable, so the call site passes no type (the whole object).
void Defer1() {
  auto **p = New<int *>(kS1);
  Deferred f28([p] { cgosan_check_arg(p, nullptr, "f28", 0); });
  *p = New<int>(kInt);
}
// union1: var b C.char; p := &b; C.f29((*C.u29)(unsafe.Pointer(&p)))
void Union1() {
  char *b = New<char>(kChar);
  auto **p = New<char *>(kCharPtr);
  *p = b;
  cgosan_check_arg(p, &kU29, "f29", 0);
}
// union2: C.f39((*C.u39)(unsafe.Pointer(&p))) — a union without pointers.
void Union2() {
  char *b = New<char>(kChar);
  auto **p = New<char *>(kCharPtr);
  *p = b;
  cgosan_check_arg(p, &kU39, "f39", 0);
}
// preemptduringcall: 100 goroutines, each making 100 calls C.f30() and
// after each runtime.GOMAXPROCS(i), which stops the world (Go #21306: a stop
// while Gs enter and leave C calls). Here 16 threads, each running its loop
// as a G: a C call, then cgosan_gc(), a stop-the-world collection, so each
// thread's collections stop the others in and around their calls. Beyond
// Go's f30, which takes no argument, each call checks one (the nil field of an
// object whose other field holds an unpinned pointer), so checks read managed
// memory between the stops.
void PreemptDuringCall() {
  // Blocking (the join) is done in a foreign call, as it must be: a running G
  // that blocks would hold up a collection another thread starts.
  cgosan_cgocall(
      [](void *) {
        std::vector<std::thread> threads;
        for (int t = 0; t < 16; t++)
          threads.emplace_back([] {
            RunManaged([] {
              for (int j = 0; j < 100; j++) {
                auto *s = New<S5>(kS5);
                s->p1 = New<int>(kInt);
                cgosan_check_arg(&s->p2, &kIntPtr, "f30", 0);
                cgosan_cgocall(CNop, s);
                cgosan_gc();
              }
            });
          });
        for (auto &t : threads) t.join();
      },
      nullptr);
}
// deadline: r, _, _ := os.Pipe(); r.SetDeadline(...) under cgocheck=2 (Go
// #23435): the poller stores a Go pointer into memory the runtime allocated
// persistently, not on the heap, and cgoCheckPtrWrite lets it pass
// (inPersistentAlloc). This heap's sanctioned place for a managed pointer
// outside the heap is a slot registered with cgosan_add_root: an unpinned
// managed pointer stored into one, checked as cgocheck=2 checks a store,
// passes at every level.
void Deadline() {
  auto **slot = static_cast<void **>(calloc(1, sizeof(void *)));
  cgosan_add_root(slot);
  int *x = New<int>(kInt);
  cgosan_check_store(slot, x);
  *slot = x;
  cgosan_remove_root(slot);
  free(slot);
}
// chanrecv: C.f32(&(<-c)[0]) — Go's case catches cgo generating code that
// evaluates `<-c` twice (once for the argument, once for cgoCheckPointer): a
// code-generation bug, whose analog belongs to what writes call sites here
// (cgosan-gen, the clang pass), not to this heap. A hand-written call site
// evaluates its argument once; the case only checks the one element received.
void ChanRecv() {
  std::vector<char **> c = {NewArray<char *>(kCharPtr, 1),
                            NewArray<char *>(kCharPtr, 1)};
  size_t before = c.size();
  auto recv = [&c] {
    char **s = c.back();
    c.pop_back();
    return s;
  };
  cgosan_check_arg(&recv()[0], &kCharPtr1, "f32", 0);
  EXPECT_EQ(c.size(), before - 1);
}
// structfield: s := &S33{p: new(int)}; C.f33(unsafe.Pointer(&s.a)) (Go #25941)
void StructField() {
  auto *s = New<S33>(kS33);
  s->p = New<int>(kInt);
  cgosan_check_arg(&s->a, &kChar8, "f33", 0);
}
// structfield2: C.f34(unsafe.Pointer(&s.a), 32, unsafe.Pointer(&s.b))
void StructField2() {
  auto *s = New<S34>(kS34);
  s->p = New<int>(kInt);
  cgosan_check_arg(&s->a, &kChar8, "f34", 0);
  cgosan_check_arg(&s->b, &kInt64, "f34", 2);
}
// defer2: p := &S35b{&S35a{[]*C.char{nil}}}; defer C.f35(&p.ps.s[0]);
// p.ps = nil — Go's case tests when cgo evaluates the second argument it
// gives cgoCheckPointer (the slice p.ps.s, which the check is narrowed to):
// at the defer statement, not when the call runs and p.ps is nil. That is
// cgo's evaluation order; here the call site's type is static (an array of
// one char *), with nothing left to evaluate late, so the Go bug has no
// counterpart on this heap. What remains: the argument is taken at the defer,
// checked when the deferred call runs, and passes.
void Defer2() {
  auto *p = New<S35b>(kS35b);
  p->ps = New<S35a>(kS35a);
  p->ps->s = NewArray<char *>(kCharPtr, 1);
  p->ps->len = p->ps->cap = 1;
  char **arg = &p->ps->s[0];
  Deferred f35([arg] { cgosan_check_arg(arg, &kCharPtr1, "f35", 0); });
  p->ps = nullptr;
}
// buffer: C.f36(unsafe.Pointer(&b.Bytes()[0])) — only the byte slice.
void BufferCase() {
  auto *b = New<Buffer>(kBuffer);
  b->buf = NewArray<char>(kChar, 64);
  b->buf[0] = 'a';
  b->len = 1;
  b->cap = 64;
  cgosan_check_arg(&b->buf[0], &kBytes64, "f36", 0);
  cgosan_check_arg(&b->buf[0], nullptr, "f36", 0);
}
// finalizer: G37 = append(G37, make([]byte, 4096)), dropped every 100 with
// an os.Open — Go's case tests that bgsweep releasing the os.File's finalizer
// does not trip the checks. cgosan has no finalizers, so that cannot map
// here; the case keeps the allocation churn and collections, and no check
// fires on the runtime's behalf.
void Finalizer() {
  char **g37 = NewArray<char *>(kCharPtr, 100);
  cgosan_add_root(reinterpret_cast<void **>(&g37));
  for (int i = 0; i < 10000; i++) {
    g37[i % 100] = static_cast<char *>(cgosan_new(&kBytes4096));
    if (i % 100 == 99) {
      cgosan_check_arg(g37[i % 100], nullptr, "open37", 0);
      g37 = NewArray<char *>(kCharPtr, 100);
      if (i % 1000 == 999)
        cgosan_gc();
    }
  }
  cgosan_remove_root(reinterpret_cast<void **>(&g37));
}
// structof: t := reflect.StructOf([]reflect.StructField{{Name: "MyInt38",
// Type: reflect.TypeOf(MyInt38(0)), Anonymous: true}}); v :=
// reflect.New(t).Elem(); v.Interface().(Getter38).Get() — a type built while
// the program runs (struct { MyInt38 }: one int, no pointers), a value of it
// allocated and copied (Go: into the interface's box; here into C memory,
// which cgocheck=2 checks) and passed: the checks read a run-time type's map
// as they read a static one's. The int holds a managed address, so the copy
// and the argument pass only because that map has no pointer slot.
void StructOf() {
  // Made at run time, once: a type outlives its objects and never changes.
  static const cgosan_type *const t = new cgosan_type{
      "struct { MyInt38 }", sizeof(uintptr_t), 0, nullptr, 0};
  auto *v = static_cast<uintptr_t *>(cgosan_new(t));
  *v = Addr(New<int>(kInt));
  auto *c = static_cast<uintptr_t *>(malloc(sizeof(uintptr_t)));
  cgosan_check_memmove(c, v, sizeof(uintptr_t));
  *c = *v;
  cgosan_check_arg(v, t, "Get", 0);
  free(c);
}
// structfieldcast: C.f40((*C.struct_S40i)(&s.a)) — only the field's struct.
void StructFieldCast() {
  auto *s = New<S40>(kS40);
  s->p = New<int>(kInt);
  cgosan_check_arg(&s->a, &kS40i, "f40", 0);
}
// stringdata: s := struct{a [4]byte; p *int}{p: new(int)};
// C.f41(unsafe.Pointer(unsafe.StringData(unsafe.String(&s.a[0], 4))))
void StringData() {
  auto *s = New<A4P>(kA4P);
  s->p = New<int>(kInt);
  cgosan_check_arg(&s->a[0], &kChar4, "f41", 0);
}
// slicedata: s := []*byte{nil, new(byte)};
// C.f42(unsafe.Pointer(unsafe.SliceData(s))) — untyped: the whole object.
void SliceData() {
  char **s = NewArray<char *>(kCharPtr, 2);
  s[1] = New<char>(kChar);
  cgosan_check_arg(s, nullptr, "f42", 0);
}
// slicedata2: s := struct{a [4]byte; p *int}{p: new(int)};
// C.f43(unsafe.Pointer(unsafe.SliceData(s.a[:]))) — s is on the heap (cgo
// makes its arguments escape), and the case passes because cgo's checkSlice
// narrows the check to the slice s.a[:]: the call site passes the 4-byte
// array's type. An untyped check of s would find p.
void SliceData2() {
  auto *s = New<A4P>(kA4P);
  s->p = New<int>(kInt);
  cgosan_check_arg(&s->a[0], &kChar4, "f43", 0);
}
// arraypointer: a := new([10]byte); C.f44(unsafe.Pointer(&a[0]))
void ArrayPointer() {
  char *a = static_cast<char *>(cgosan_new(&kChar10));
  cgosan_check_arg(&a[0], &kChar10, "f44", 0);
  cgosan_check_arg(&a[0], nullptr, "f44", 0);
}
// arraypointer2: a := &[2]unsafe.Pointer{nil, &i}; C.f45(&a[0])
void ArrayPointer2() {
  int *i = New<int>(kInt);
  void **a = static_cast<void **>(cgosan_new(&kVoidPtr2));
  a[1] = i;
  cgosan_check_arg(&a[0], &kVoidPtr2, "f45", 0);
}
// argmap: m := map[int]int{0: 1}; C.f46(unsafe.Pointer(&m))
void ArgMap() {
  void *m = cgosan_new(&kMap);
  void **pm = New<void *>(kVoidPtr);
  *pm = m;
  cgosan_check_arg(pm, nullptr, "f46", 0);
}
// retmap: func GoMap47() map[int]int { return map[int]int{0: 1} }
void RetMap() { cgosan_check_result(cgosan_new(&kMap), &kMap, "GoMap47"); }

struct PtrCase {
  const char *name;
  void (*body)();
  bool fail;
  bool expensive;      // fails only with cgocheck=2
  const char *kind;    // of the first report, when fail
  const char *message; // ECMAScript regex for its message line, when fail
};
void PrintTo(const PtrCase &c, std::ostream *os) { *os << c.name; }

constexpr char kArg[] = "unpinned-pointer-in-argument";
constexpr char kRes[] = "unpinned-pointer-in-result";
constexpr char kStore[] = "unpinned-pointer-store";

const PtrCase kCases[] = {
    {"ptr1", Ptr1, true, false, kArg, "argument 0 of f1 has managed pointer to unpinned managed pointer"},
    {"ptr2", Ptr2, true, false, kArg, "argument 0 of f2 has managed pointer to unpinned managed pointer"},
    {"ok1", Ok1, false, false, nullptr, nullptr},
    {"ptrfield", PtrField, true, false, kArg, "argument 0 of f4 has managed pointer to unpinned managed pointer"},
    {"ptrfieldok", PtrFieldOk, false, false, nullptr, nullptr},
    {"sliceok1", SliceOk1, false, false, nullptr, nullptr},
    {"sliceptr1", SlicePtr1, true, false, kArg, "argument 0 of f7 has managed pointer to unpinned managed pointer"},
    {"sliceptr2", SlicePtr2, true, false, kArg, "argument 0 of f8 has managed pointer to unpinned managed pointer"},
    {"sliceok2", SliceOk2, false, false, nullptr, nullptr},
    {"sliceok3", SliceOk3, false, false, nullptr, nullptr},
    {"sliceok4", SliceOk4, false, false, nullptr, nullptr},
    {"varok", VarOk, false, false, nullptr, nullptr},
    {"var1", Var1, true, false, kArg, "argument 0 of f13 has managed pointer to unpinned managed pointer"},
    {"barrier", Barrier, true, true, kStore, "managed code stored unpinned managed pointer 0x[0-9a-f]+ into non-managed memory at 0x[0-9a-f]+"},
    {"barrierpinnedok", BarrierPinnedOk, false, true, nullptr, nullptr},
    {"barrierstruct", BarrierStruct, true, true, kStore, "managed code copied unpinned managed pointer 0x[0-9a-f]+ into non-managed memory at 0x[0-9a-f]+ \\(a 80-byte copy from 0x[0-9a-f]+\\)"},
    {"barrierslice", BarrierSlice, true, true, kStore, "managed code copied unpinned managed pointer .* \\(a 8-byte copy from .*\\)"},
    {"barriergcprogarray", BarrierGcProgArray, true, true, kStore, "managed code copied unpinned managed pointer .* \\(a 262152-byte copy from .*\\)"},
    {"barriergcprogarrayheap", BarrierGcProgArrayHeap, true, true, kStore, "managed code copied unpinned managed pointer .*"},
    {"barriergcprogstruct", BarrierGcProgStruct, true, true, kStore, "managed code copied unpinned managed pointer .*"},
    {"barriergcprogstructheap", BarrierGcProgStructHeap, true, true, kStore, "managed code copied unpinned managed pointer .*"},
    {"export1", Export1, true, false, kRes, "result of GoFn21 is unpinned managed pointer"},
    {"exportok", ExportOk, false, false, nullptr, nullptr},
    {"passstring", PassString, false, false, nullptr, nullptr},
    {"passstringslice", PassStringSlice, true, false, kArg, "argument 0 of f24 has managed pointer to unpinned managed pointer"},
    {"retstring", RetString, true, false, kRes, "result of GoStr25 is unpinned managed pointer"},
    {"ptrdata1", PtrData1, false, false, nullptr, nullptr},
    {"ptrdata2", PtrData2, false, false, nullptr, nullptr},
    {"defer1", Defer1, true, false, kArg, "argument 0 of f28 has managed pointer to unpinned managed pointer"},
    {"union1", Union1, true, false, kArg, "argument 0 of f29 has managed pointer to unpinned managed pointer"},
    {"union2", Union2, false, false, nullptr, nullptr},
    {"preemptduringcall", PreemptDuringCall, false, false, nullptr, nullptr},
    {"deadline", Deadline, false, false, nullptr, nullptr},
    {"chanrecv", ChanRecv, false, false, nullptr, nullptr},
    {"structfield", StructField, false, false, nullptr, nullptr},
    {"structfield2", StructField2, false, false, nullptr, nullptr},
    {"defer2", Defer2, false, false, nullptr, nullptr},
    {"buffer", BufferCase, false, false, nullptr, nullptr},
    {"finalizer", Finalizer, false, false, nullptr, nullptr},
    {"structof", StructOf, false, false, nullptr, nullptr},
    {"structfieldcast", StructFieldCast, false, false, nullptr, nullptr},
    {"stringdata", StringData, false, false, nullptr, nullptr},
    {"slicedata", SliceData, true, false, kArg, "argument 0 of f42 has managed pointer to unpinned managed pointer"},
    {"slicedata2", SliceData2, false, false, nullptr, nullptr},
    {"arraypointer", ArrayPointer, false, false, nullptr, nullptr},
    {"arraypointer2", ArrayPointer2, true, false, kArg, "argument 0 of f45 has managed pointer to unpinned managed pointer"},
    {"argmap", ArgMap, true, false, kArg, "argument 0 of f46 has managed pointer to managed reference of type 'map\\[int\\]int'"},
    {"retmap", RetMap, true, false, kRes, "result of GoMap47 is managed reference of type 'map\\[int\\]int', which foreign code may never hold"},
};

// ---- The same shapes with stack storage ------------------------------------------
// Go's stacks are Go memory (cgoIsGoPointer: inHeapOrStack), so where Go
// keeps a value on the stack its checks apply as to a heap object: a typed
// pointer into the stack has its pointer fields checked, and a stack address
// stored into C memory fails (stack memory cannot be pinned). A field
// pointing into the frames the call keeps (the caller's and up) is as safe
// as the argument itself and passes; Go would panic there, but in Go that
// value would have escaped to the heap (docs/design-notes.md, issue 24).
// Each failing shape has a fixed twin: the pointee pinned on the heap, a
// handle, or a heap copy.

// ptr1, stack: s := C.s1{new(C.int)}; C.f1(&s)
void StackPtr1() {
  int *p[1] = {New<int>(kInt)};
  cgosan_check_arg(p, &kS1, "f1", 0);
}
// ptr1, stack, pinned: the struct's pointee pinned.
void StackPtr1Pinned() {
  int *p[1] = {New<int>(kInt)};
  ScopedPinner pinr;
  pinr.Pin(p[0]);
  cgosan_check_arg(p, &kS1, "f1", 0);
}
// ptr1, stack, handle: the struct carries a cgo.Handle, an integer.
void StackPtr1Handle() {
  uintptr_t h = cgosan_handle_new(New<int>(kInt));
  uintptr_t p[1] = {h};
  cgosan_check_arg(p, &kS1, "f1", 0);
  cgosan_handle_delete(h);
}
// ptr2, stack: the same passed as an unsafe.Pointer: a frame has no extent
// to check (Go 1.19: cgoCheckUnknownPointer looks at heap and data only).
void StackPtr2() {
  int *p[1] = {New<int>(kInt)};
  cgosan_check_arg(p, nullptr, "f2", 0);
}
// ptrfield, stack: var p C.s3; p.p = new(C.int); C.f4(&p.p)
void StackPtrField() {
  S3 p = {};
  p.p = New<int>(kInt);
  cgosan_check_arg(&p.p, &kIntPtr, "f4", 0);
}
// ptrfieldok, stack: C.f5(&p.p1) with p2 (not passed) holding a Go pointer.
void StackPtrFieldOk() {
  S5 p = {};
  p.p2 = New<int>(kInt);
  cgosan_check_arg(&p.p1, &kIntPtr, "f5", 0);
}
// sliceptr2, stack: a := [2]unsafe.Pointer{nil, &i}; C.f8(&a[0])
void StackSlicePtr2() {
  void *a[2] = {nullptr, New<int>(kInt)};
  cgosan_check_arg(&a[0], &kVoidPtr2, "f8", 0);
}
// A field pointing at a local of the caller: kept by the call.
void StackPtrToStack() {
  int i = 0;
  int *p[1] = {&i};
  cgosan_check_arg(p, &kS1, "f1", 0);
}
// The same with the int copied to a pinned heap object.
void StackPtrToStackHeapCopy() {
  int i = 0;
  int *copy = New<int>(kInt);
  *copy = i;
  ScopedPinner pinr;
  pinr.Pin(copy);
  int *p[1] = {copy};
  cgosan_check_arg(p, &kS1, "f1", 0);
}
// A field pointing at a local of a frame that has returned.
__attribute__((noinline)) void PointAtOwnLocal(int **slot) {
  int i = 0;
  *slot = &i;
  asm volatile("" ::"r"(&i) : "memory");
}
void StackPtrToReturnedFrame() {
  int *p[1] = {nullptr};
  PointAtOwnLocal(&p[0]);
  cgosan_check_arg(p, &kS1, "f1", 0);
}
// A pinned heap struct whose field points at a local of the caller.
void StackPinnedHoldsStack() {
  int i = 0;
  int **cell = New<int *>(kS1);
  *cell = &i;
  ScopedPinner pinr;
  pinr.Pin(cell);
  cgosan_check_arg(&cell, &kCharPtrPtr1, "f13", 0);
}
// argmap, stack: m := map[int]int{0: 1}; C.f46(unsafe.Pointer(&m)) typed.
void StackArgMap() {
  void *m[1] = {cgosan_new(&kMap)};
  cgosan_check_arg(m, &kVoidPtr, "f46", 0);
}
// export1, stack: //export GoFn21 returning the address of its own local.
void StackExport1() {
  cgosan::cgocall([] {
    cgosan::cgocallback([] {
      int i = 0;
      cgosan_check_result(&i, &kInt, "GoFn21");
    });
  });
}
// exportok, stack: the result points into the caller's frame, which the
// cgocall keeps while the callback returns to it.
void StackExportOk() {
  int i = 0;
  cgosan::cgocall([&] {
    cgosan::cgocallback([&] { cgosan_check_result(&i, &kInt, "GoFn22"); });
  });
}
// barrier, stack: p := C.f14a(); var x C.char; *p = &x
void StackBarrier() {
  char **p = static_cast<char **>(malloc(sizeof(char *)));
  char x = 0;
  cgosan_check_store(reinterpret_cast<void **>(p), &x);
  free(p);
}
// barrier, stack, into Go memory: *p = &x with p a heap or stack slot.
void StackBarrierManaged() {
  char x = 0;
  char **heap = New<char *>(kCharPtr);
  cgosan_check_store(reinterpret_cast<void **>(heap), &x);
  char *local = nullptr;
  cgosan_check_store(reinterpret_cast<void **>(&local), &x);
}
// barrierslice, stack: copy(p.a[:], []*C.char{&x}) from a heap slice.
void StackBarrierSlice() {
  auto *p = static_cast<S15 *>(calloc(1, sizeof(S15)));
  char x = 0;
  char **s = NewArray<char *>(kCharPtr, 1);
  s[0] = &x;
  cgosan_check_memmove(p->a, s, 1 * sizeof(char *));
  free(p);
}

const PtrCase kStackCases[] = {
    {"ptr1_stack", StackPtr1, true, false, kArg, "argument 0 of f1 has managed pointer to unpinned managed pointer"},
    {"ptr1_stack_pinned", StackPtr1Pinned, false, false, nullptr, nullptr},
    {"ptr1_stack_handle", StackPtr1Handle, false, false, nullptr, nullptr},
    {"ptr2_stack", StackPtr2, false, false, nullptr, nullptr},
    {"ptrfield_stack", StackPtrField, true, false, kArg, "argument 0 of f4 has managed pointer to unpinned managed pointer"},
    {"ptrfieldok_stack", StackPtrFieldOk, false, false, nullptr, nullptr},
    {"sliceptr2_stack", StackSlicePtr2, true, false, kArg, "argument 0 of f8 has managed pointer to unpinned managed pointer"},
    {"ptr_to_stack", StackPtrToStack, false, false, nullptr, nullptr},
    {"ptr_to_returned_frame", StackPtrToReturnedFrame, true, false, kArg, "argument 0 of f1 has managed pointer to unpinned managed pointer"},
    {"ptr_to_stack_heap_copy", StackPtrToStackHeapCopy, false, false, nullptr, nullptr},
    {"pinned_holds_stack", StackPinnedHoldsStack, false, false, nullptr, nullptr},
    {"argmap_stack", StackArgMap, true, false, kArg, "argument 0 of f46 has managed pointer to managed reference of type 'map\\[int\\]int'"},
    {"export1_stack", StackExport1, true, false, kRes, "result of GoFn21 points into the callback's own stack, which dangles once it returns"},
    {"exportok_stack", StackExportOk, false, false, nullptr, nullptr},
    {"barrier_stack", StackBarrier, true, true, kStore, "managed code stored unpinned managed pointer 0x[0-9a-f]+ into non-managed memory at 0x[0-9a-f]+"},
    {"barrier_stack_managed", StackBarrierManaged, false, true, nullptr, nullptr},
    {"barrierslice_stack", StackBarrierSlice, true, true, kStore, "managed code copied unpinned managed pointer .* \\(a 8-byte copy from .*\\)"},
};

std::string CaseName(const testing::TestParamInfo<PtrCase> &info) {
  return info.param.name;
}

class CheckGoPtrTable : public testing::TestWithParam<PtrCase> {
 protected:
  static void SetUpTestSuite() { InitBigTypes(); }
};

// Runs the case's body on a G with the given cgocheck.
Reported RunCase(const PtrCase &c, int cgocheck) {
  return ReportsOf(cgocheck, [&] { RunManaged([&] { c.body(); }); });
}

TEST_P(CheckGoPtrTable, AsGoTestOne) {
  const PtrCase &c = GetParam();
  for (int level = 0; level <= 2; level++) {
    SCOPED_TRACE("cgocheck=" + std::to_string(level));
    bool want_fail = c.fail && level > 0 && (level == 2 || !c.expensive);
    Reported r = RunCase(c, level);
    if (!want_fail) {
      EXPECT_EQ(r.count, 0u) << r.text;
      continue;
    }
    ASSERT_GE(r.count, 1u) << "did not fail as expected\n" << r.text;
    EXPECT_EQ(FirstKind(r.text), c.kind) << r.text;
    EXPECT_TRUE(std::regex_match(FirstMessage(r.text), std::regex(c.message)))
        << "message: " << FirstMessage(r.text) << "\nwanted: " << c.message
        << "\n" << r.text;
  }
}

INSTANTIATE_TEST_SUITE_P(Go, CheckGoPtrTable, testing::ValuesIn(kCases),
                         CaseName);

INSTANTIATE_TEST_SUITE_P(GoStack, CheckGoPtrTable, testing::ValuesIn(kStackCases),
                         CaseName);

TEST(CheckGoPtrTable, CoversEveryGoCase) {
  // The 48 cases of ptr_test.go, in its order.
  const char *const kGoNames[] = {
      "ptr1", "ptr2", "ok1", "ptrfield", "ptrfieldok", "sliceok1",
      "sliceptr1", "sliceptr2", "sliceok2", "sliceok3", "sliceok4", "varok",
      "var1", "barrier", "barrierpinnedok", "barrierstruct", "barrierslice",
      "barriergcprogarray", "barriergcprogarrayheap", "barriergcprogstruct",
      "barriergcprogstructheap", "export1", "exportok", "passstring",
      "passstringslice", "retstring", "ptrdata1", "ptrdata2", "defer1",
      "union1", "union2", "preemptduringcall", "deadline", "chanrecv",
      "structfield", "structfield2", "defer2", "buffer", "finalizer",
      "structof", "structfieldcast", "stringdata", "slicedata", "slicedata2",
      "arraypointer", "arraypointer2", "argmap", "retmap"};
  ASSERT_EQ(sizeof(kGoNames) / sizeof(kGoNames[0]),
            sizeof(kCases) / sizeof(kCases[0]));
  for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++)
    EXPECT_STREQ(kCases[i].name, kGoNames[i]);
}

}  // namespace
}  // namespace cgotest
