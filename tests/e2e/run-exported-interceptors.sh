#!/usr/bin/env bash
# run-exported-interceptors.sh <prefix> <interceptors dir> — every libc
# function an interceptor of interceptors/pthread/ defines (a plain
# `INTERCEPTOR(ret, name, ...)`, a line `X(ret, name, ...)` of a call table,
# or an exec list form's `CGOSAN_EXEC_LIST_INTERCEPTOR(name, ...)`) is
# exported by the installed libcgosan.so. rtl/cgosan.map exports only what
# it names; an interceptor missing there is linked into the static library
# (and its unit tests) but never called in a program that loads the shared
# one.
set -euo pipefail
prefix=$1 dir=$2
lib=$prefix/lib/libcgosan.so
[[ -f $lib ]] || { echo "run-exported-interceptors: no $lib" >&2; exit 1; }
defined=$({
  grep -ohE '^(INTERCEPTOR\(|[[:space:]]*X\()[^,]+, [A-Za-z0-9_]+' "$dir"/*.cpp |
    sed -E 's/.*, //'
  grep -ohE '^CGOSAN_EXEC_LIST_INTERCEPTOR\([A-Za-z0-9_]+' "$dir"/*.cpp |
    sed -E 's/.*\(//'
} | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
missing=$(comm -23 <(echo "$defined") <(echo "$exported"))
if [[ -n $missing ]]; then
  echo "run-exported-interceptors: FAILED: not exported by libcgosan.so" \
       "(add them to rtl/cgosan.map):" $missing >&2
  exit 1
fi
echo "run-exported-interceptors: PASSED: $(echo "$defined" | wc -l) interceptors exported"
