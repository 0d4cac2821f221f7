// Go 1.19's costs for what cgosan's benchmarks measure (run with
// GODEBUG=cgocheck=1, Go 1.19's default):
//
//	BenchmarkCgoCallEmpty          an empty cgo call (cgocall_bench BM_Cgocall)
//	BenchmarkCgoCallCPointer       a cgo call passing a C (malloc'd) pointer
//	BenchmarkCgoCallPointerFree64  ... passing a pointer-free 64-byte Go object
//	BenchmarkCgoCallSlots16Nil     ... passing a 1 KiB Go object with 16 pointer
//	                               fields, all nil (Go 1.19 has no
//	                               runtime.Pinner, added in 1.21, so there is
//	                               no twin of cgosan's pinned-slots case)
//	BenchmarkCallback              a callback round trip from C into Go
//	                               (//export) inside one cgo call
//	BenchmarkNew16, BenchmarkNew64 new([N]byte) kept alive by a global sink,
//	                               garbage collection included
//
// The pointer benchmarks first check that cgocheck really is on (a pointer
// to Go memory in a slot must panic), else the figure would not include the
// check they claim to measure.

package cgobench

import (
	"testing"
	"unsafe"
)

var (
	sink16 *[16]byte
	sink64 *[64]byte
)

func BenchmarkCgoCallEmpty(b *testing.B) {
	for i := 0; i < b.N; i++ {
		callEmpty()
	}
}

func requireCgocheck(b *testing.B) {
	t := new(table)
	t.slots[0] = new(byte)
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		take(unsafe.Pointer(t))
		return
	}()
	if !panicked {
		b.Fatal("cgocheck is off: passing a Go pointer to a Go pointer did not panic (run with GODEBUG=cgocheck=1)")
	}
}

func benchTake(b *testing.B, p unsafe.Pointer) {
	requireCgocheck(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		take(p)
	}
}

func BenchmarkCgoCallCPointer(b *testing.B) {
	p := cMalloc(64)
	defer cFree(p)
	benchTake(b, p)
}

func BenchmarkCgoCallPointerFree64(b *testing.B) {
	benchTake(b, unsafe.Pointer(new([64]byte)))
}

func BenchmarkCgoCallSlots16Nil(b *testing.B) {
	benchTake(b, unsafe.Pointer(new(table)))
}

func BenchmarkCallback(b *testing.B) {
	callbacks(b.N)
}

func BenchmarkNew16(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink16 = new([16]byte)
	}
}

func BenchmarkNew64(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink64 = new([64]byte)
	}
}
