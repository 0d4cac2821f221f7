; ir_field_regions_odd.ll — GEP shapes clang does not emit but other IR
; does, for the pass's field narrowing (ArgumentRegions.cpp): a GEP with no
; index is the address itself (still the field it came from), one GEP that
; goes through a field into an array element names the array (its start
; computed before the call), a vector of pointers stays whole, and a
; pointer in another address space than 0 (never managed) is not checked.
;
; FLAGS: -cgosan-foreign=lib_use,lib_far
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.outer = type { i64, [4 x ptr] }

declare void @lib_use(ptr)
declare void @lib_far(ptr addrspace(1))

define void @odd(ptr %o, i64 %i, ptr addrspace(1) %far) {
  %field = getelementptr inbounds %struct.outer, ptr %o, i64 0, i32 1
  %same = getelementptr [4 x ptr], ptr %field
  call void @lib_use(ptr %same)
  %elem = getelementptr inbounds %struct.outer, ptr %o, i64 0, i32 1, i64 %i
  call void @lib_use(ptr %elem)
  %lanes = getelementptr inbounds <2 x ptr>, ptr %o, i64 0, i64 1
  call void @lib_use(ptr %lanes)
  call void @lib_far(ptr addrspace(1) %far)
  ret void
}
; CHECK-LABEL: define void @odd(
; CHECK: call void @cgosan_check_arg(ptr {{.*}}%field, ptr {{.*}}@"__cgosan_type.void *[4]",
; O0: %[[START:cgosan.region[0-9]*]] = getelementptr inbounds %struct.outer, ptr %o, i64 0, i32 1{{$}}
; O0: call void @cgosan_check_arg(ptr %[[START]], ptr @"__cgosan_type.void *[4]",
; O2: call void @cgosan_check_arg(ptr nonnull %field, ptr nonnull @"__cgosan_type.void *[4]",
; CHECK: call void @cgosan_check_arg(ptr {{.*}}, ptr null,
; CHECK-NOT: @cgosan_check_arg
; CHECK: call i32 @cgosan_cgocall(ptr {{.*}}@__cgosan_tramp.lib_far,
; CHECK-NOT: @cgosan_check_arg
; CHECK: ret void
