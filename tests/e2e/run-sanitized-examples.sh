#!/usr/bin/env bash
# run-sanitized-examples.sh — the examples (examples/) built with ASan or TSan.
#
#   run-sanitized-examples.sh PREFIX EXAMPLES_DIR WORKDIR address|thread
#
# Builds libfoo and every example that does not need sqlite3 with
# -fsanitize=SANITIZER against the cgosan installed under PREFIX, and runs
# them as scripts/demo-run does. A fixed example must exit 0 with nothing on
# stderr; a buggy one must exit 66 with exactly one cgosan report of its
# kind (header and SUMMARY line). Neither may make the sanitizer say
# anything: cgosan tells it about every stack switch (rtl/fiber_switch.h).
# ASan runs with detect_stack_use_after_return=1.
set -u -o pipefail

die() { echo "run-sanitized-examples: $*" >&2; exit 1; }
[[ $# -eq 4 ]] || die "usage: run-sanitized-examples.sh PREFIX EXAMPLES_DIR WORKDIR address|thread"
prefix=$(realpath -e "$1") || die "no such prefix: $1"
examples=$(realpath -e "$2") || die "no such directory: $2"
work=$3
sanitizer=$4
case $sanitizer in
  address) export ASAN_OPTIONS=detect_stack_use_after_return=1
           noise='AddressSanitizer|ASan ' ;;
  thread) noise='ThreadSanitizer' ;;
  *) die "unknown sanitizer: $sanitizer (address or thread)" ;;
esac
rm -rf "$work" && mkdir -p "$work" || die "cannot make $work"
unset CGOSAN_OPTIONS LD_PRELOAD LD_LIBRARY_PATH

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
read -r -a pcflags <<<"$(pkg-config --cflags --libs cgosan)" || die "pkg-config cannot find cgosan"
flags=(-g -O1 -fno-omit-frame-pointer -pthread "-fsanitize=$sanitizer")
clang-19 "${flags[@]}" -fPIC -shared "$examples/libfoo/foo.c" -o "$work/libfoo.so" ||
  die "cannot build libfoo"

failures=0
# check EXPECTED_STATUS KIND OPTIONS PROGRAM [ARGS...]: KIND is the report the
# run must make, or - for none.
check() {
  local want=$1 kind=$2 options=$3 prog=$4 source status
  shift 4
  source=$(ls "$examples/$prog".c* 2>/dev/null | head -n1)
  [[ -n $source ]] || die "no source for $prog"
  local compiler=clang-19
  [[ $source == *.cpp ]] && compiler=clang++-19
  if [[ ! -x $work/$prog ]]; then
    "$compiler" "${flags[@]}" -I"$examples" "$source" -o "$work/$prog" \
      "${pcflags[@]}" -L"$work" -lfoo -Wl,-rpath,"$work" || die "cannot build $prog"
  fi
  local err=$work/$prog.$status_index.stderr
  status_index=$((status_index + 1))
  CGOSAN_OPTIONS=$options "$work/$prog" "$@" >/dev/null 2>"$err" </dev/null
  status=$?
  local what="$prog $* ($options)" problem=
  if [[ $status != "$want" ]]; then
    problem="exited with $status, expected $want"
  elif grep -Eq "$noise" "$err"; then
    problem="the $sanitizer sanitizer spoke"
  elif [[ $kind == - && -s $err ]]; then
    problem="expected nothing on stderr"
  elif [[ $kind != - ]] &&
       ! { [[ $(grep -Ec '^==[0-9]+==ERROR: CgoSanitizer: ' "$err") == 1 ]] &&
           grep -Eqx "==[0-9]+==ERROR: CgoSanitizer: $kind" "$err" &&
           grep -Eqx "SUMMARY: CgoSanitizer: $kind .*" "$err"; }; then
    problem="expected one $kind report"
  fi
  if [[ -z $problem ]]; then
    echo "ok: $what"
    return
  fi
  echo "FAIL: $what: $problem" >&2
  echo "----- stderr -----" >&2; cat "$err" >&2; echo "----- end -----" >&2
  failures=$((failures + 1))
}
status_index=0
check 0 - "" managed_app
check 66 unwind-across-boundary "" bad_callback_exception
check 0 - "" callback_exception_fixed
check 66 stack-overflow "" deep_recursion
check 0 - "" deep_recursion_fixed
# 100000 frames deep: past TSan's own limit (a thread's shadow stack holds
# 65536 calls), with or without cgosan.
[[ $sanitizer == thread ]] || check 0 - "stack_size=16777216" deep_recursion
check 66 unpinned-pointer-in-argument "" rule1_argument bug
check 0 - "" rule1_argument fixed
check 66 unpinned-pointer-in-result "" rule3_result bug
check 0 - "" rule3_result fixed
check 66 unpinned-pointer-store "cgocheck=2" rule4_store bug
check 0 - "cgocheck=2" rule4_store fixed
((failures == 0)) || die "$failures run(s) failed"
echo "run-sanitized-examples: PASSED ($sanitizer)"
