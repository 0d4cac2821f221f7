; ir_aggregate_stores.ll — -cgosan-check-stores on stores of whole
; aggregates, which clang does not emit (it stores field by field) but other
; front ends and passes do: one cgosan_check_store per pointer the value
; holds, at its offset in the slot, nested structs, arrays and vectors of
; pointers included; none for an aggregate without pointers, a constant one,
; or a store into a local that never escapes.
;
; FLAGS: -cgosan-check-stores
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.row = type { i64, ptr }
%struct.nest = type { ptr, { i32, <2 x ptr> }, [2 x ptr] }

define void @aggregates(ptr %dst, ptr %p, ptr %q, i64 %n, %struct.nest %nest,
                        ptr addrspace(1) %far) {
  %a = insertvalue %struct.row undef, i64 %n, 0
  %row = insertvalue %struct.row %a, ptr %p, 1
  store %struct.row %row, ptr %dst
  store %struct.nest %nest, ptr %dst
  store { i64, i64 } { i64 1, i64 2 }, ptr %dst
  %ints = insertvalue { i64, i32 } undef, i64 %n, 0
  store { i64, i32 } %ints, ptr %dst
  store %struct.row { i64 0, ptr null }, ptr %dst
  %local = alloca %struct.row
  store %struct.row %row, ptr %local
  call void @llvm.memcpy.p1.p0.i64(ptr addrspace(1) %far, ptr %q, i64 16, i1 false)
  ret void
}
; CHECK-LABEL: define void @aggregates(
; The row's pointer, at offset 8.
; CHECK: %[[RS:.+]] = getelementptr inbounds i8, ptr %dst, i64 8
; CHECK: call void @cgosan_check_store(ptr {{.*}}%[[RS]], ptr %{{.+}})
; O0: store %struct.row %row, ptr %dst
; The nest: its pointer at 0, then (16-byte aligned) the inner struct at 16
; with its vector's lanes at 32 and 40, and the array's elements at 48, 56.
; CHECK: %[[N0:.+]] = extractvalue %struct.nest %nest, 0
; CHECK: call void @cgosan_check_store(ptr {{.*}}%dst, ptr %[[N0]])
; CHECK: getelementptr inbounds i8, ptr %dst, i64 32
; CHECK: call void @cgosan_check_store(
; CHECK: getelementptr inbounds i8, ptr %dst, i64 40
; CHECK: call void @cgosan_check_store(
; CHECK: getelementptr inbounds i8, ptr %dst, i64 48
; CHECK: call void @cgosan_check_store(
; CHECK: getelementptr inbounds i8, ptr %dst, i64 56
; CHECK: call void @cgosan_check_store(
; CHECK: store %struct.nest %nest, ptr %dst
; CHECK-NOT: @cgosan_check_
; CHECK: ret void
