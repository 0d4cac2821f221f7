// Package cgobench measures Go 1.19's own cgo crossings and allocator, so
// scripts/bench can print them beside cgosan's figures from the same run
// (bench/compare_go.py). The C side is cgobench.c; the benchmarks are in
// cgobench_test.go (a _test.go file cannot use cgo itself).
package cgobench

/*
#include <stdlib.h>

void cgobench_empty(void);
void cgobench_take(void *p);
void cgobench_callbacks(int n);
*/
import "C"

import "unsafe"

// table is the 1 KiB object with 16 pointer slots of check_bench.cpp.
type table struct {
	slots [16]*byte
	rest  [1024 - 16*8]byte
}

func callEmpty() { C.cgobench_empty() }

// take passes p as C's void *: cgo inserts cgoCheckPointer(p), which with
// GODEBUG=cgocheck=1 checks the whole Go object p points into.
func take(p unsafe.Pointer) { C.cgobench_take(p) }

func callbacks(n int) { C.cgobench_callbacks(C.int(n)) }

func cMalloc(n int) unsafe.Pointer { return C.malloc(C.size_t(n)) }

func cFree(p unsafe.Pointer) { C.free(p) }

//export cgobenchCallback
func cgobenchCallback() {}
