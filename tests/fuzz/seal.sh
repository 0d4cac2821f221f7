#!/usr/bin/env bash
# seal.sh OUT.o OBJECT... — one relocatable object holding a fuzz target with
# its own copy of the runtime and of sanitizer_common, every symbol it
# defines renamed (prefix cgosan_fuzz.) but libFuzzer's entry points.
#
# Why: the fuzz binary also links ASan's runtime, which has a sanitizer_common
# of its own (same namespace, same names, other state: flags, die callbacks,
# report lock). Linked plainly, the two would clash or, worse, share state:
# cgosan's Die() would reach libFuzzer's death callback and every rejected
# input would count as a crash. Renamed, each runtime keeps its own. The
# weak references sanitizer_common leaves for a host tool to fill in
# (internal_pthread_create, real_sigaction, __sanitizer_*) are renamed too,
# so they stay empty, as they are in libcgosan.so; libc's are left alone.
set -euo pipefail
out=${1:?usage: seal.sh OUT.o OBJECT...}
shift
ld -r -o "$out.linked" "$@"
nm "$out.linked" | awk '
  $1 == "U" || $1 == "w" { name = $2; kind = $1 } NF == 3 { name = $3; kind = $2 }
  kind ~ /^[a-z]$/ && kind != "w" && kind != "u" && kind != "v" { next }   # local
  name == "LLVMFuzzerTestOneInput" || name == "LLVMFuzzerInitialize" { next }
  kind == "U" { next }                                 # libc, libstdc++, ASan, libFuzzer
  kind == "w" && name !~ /^(_ZN11__sanitizer|_ZN10__cgosan|real_|__sanitizer_)/ { next }
  { print name, "cgosan_fuzz." name }' | sort -u > "$out.renames"
objcopy --redefine-syms="$out.renames" "$out.linked" "$out"
rm -f "$out.linked"
