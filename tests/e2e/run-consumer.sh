#!/usr/bin/env bash
# run-consumer.sh — use the INSTALLED cgosan the two documented ways.
#
#   run-consumer.sh cmake     PREFIX WORKDIR   (ctest: e2e.consumer_cmake)
#     configures tests/e2e/consumer (find_package(cgosan), cgosan::cgosan and
#     cgosan::cgosan_static) with CMAKE_PREFIX_PATH=PREFIX, builds it, and
#     runs both programs.
#   run-consumer.sh pkgconfig PREFIX WORKDIR VERSION   (ctest: e2e.pkgconfig)
#     checks what cgosan.pc says (version, prefix, flags pointing into
#     PREFIX), then builds consumer/app.c as its users would:
#       cc -g app.c $(pkg-config --cflags --libs cgosan)
#       cc -g app.c $(pkg-config --cflags --libs cgosan-static)
#     and runs both; the static one must export the pthread interceptors.
# The compiler is the system's `cc` (the e2e driver uses clang-19), each
# program runs from an empty directory, must load libcgosan from PREFIX/lib,
# print its result and exit 0; with "misuse" it must report and exit 66.
set -u -o pipefail
die() { echo "run-consumer: FAILED: $*" >&2; exit 1; }

[[ $# -ge 3 ]] || die "usage: run-consumer.sh cmake|pkgconfig PREFIX WORKDIR [VERSION]"
mode=$1
prefix=$(realpath -e "$2") || die "no such prefix: $2 (did e2e.install run?)"
work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/run" || die "cannot make $work"
work=$(realpath "$work")
clean_env=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u CGOSAN_OPTIONS)

run_app() {  # binary
  local bin=$1 lib status
  lib=$("${clean_env[@]}" ldd "$bin" | awk '$1 ~ /^libcgosan\.so/ {print $3}')
  if [[ $(basename "$bin") == *static* ]]; then
    [[ -z $lib ]] || die "$bin should not load libcgosan.so (it loads $lib)"
  else
    [[ $lib == "$prefix"/lib/* ]] || die "$bin loads libcgosan from '$lib', not $prefix/lib"
  fi
  local out
  out=$(cd "$work/run" && "${clean_env[@]}" "$bin" 2>&1) || die "$bin exited $?: $out"
  [[ $out == "consumer: cgosan_run=0 n=11 cgocalls=1" ]] || die "$bin printed: $out"
  echo "$bin: $out"
  out=$(cd "$work/run" && "${clean_env[@]}" "$bin" misuse 2>&1)
  status=$?
  [[ $status == 66 ]] || die "$bin misuse exited $status, expected 66: $out"
  grep -Eq '^==[0-9]+==ERROR: CgoSanitizer: api-misuse$' <<<"$out" &&
    grep -q '^cgosan_run called with a NULL function$' <<<"$out" &&
    grep -Eq '^SUMMARY: CgoSanitizer: api-misuse .*/app\.c:[0-9]+:[0-9]+ in main$' <<<"$out" ||
    die "$bin misuse: unexpected report: $out"
  echo "$bin misuse: reported, exit 66"
}

case $mode in
cmake)
  cmake -S "$here/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; die "configure"; }
  found=$(sed -n 's/^-- cgosan_DIR=//p' "$work/configure.log")
  [[ $found == "$prefix/lib/cmake/cgosan" ]] || die "find_package found cgosan in '$found', not $prefix/lib/cmake/cgosan"
  cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "build"; }
  run_app "$work/build/app"
  run_app "$work/build/app_static"
  ;;
pkgconfig)
  version=${4:?VERSION}
  export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
  unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
  got=$(pkg-config --modversion cgosan) || die "pkg-config cannot find cgosan"
  [[ $got == "$version" ]] || die "cgosan.pc version is '$got', expected $version"
  flags=$(pkg-config --cflags --libs cgosan)
  # Paths may be spelt relative to the .pc file (${pcfiledir}/../..): compare
  # them resolved.
  pcprefix=$(realpath -m "$(pkg-config --variable=prefix cgosan)")
  [[ $pcprefix == "$prefix" ]] ||
    die "cgosan.pc installed in $prefix says prefix=$pcprefix; its flags ($flags) point at a prefix fixed at configure time, not the one it was installed to"
  declare -A seen=()
  for flag in $flags; do
    case $flag in
      -I*) seen[I:$(realpath -m "${flag#-I}")]=1 ;;
      -L*) seen[L:$(realpath -m "${flag#-L}")]=1 ;;
      -Wl,-rpath,*) seen[R:$(realpath -m "${flag#-Wl,-rpath,}")]=1 ;;
      -lcgosan) seen[l]=1 ;;
    esac
  done
  for want in "I:$prefix/include" "L:$prefix/lib" "R:$prefix/lib" l; do
    [[ -n ${seen[$want]:-} ]] || die "pkg-config --cflags --libs cgosan lacks ${want} (I: -I, L: -L, R: -Wl,-rpath,, l: -lcgosan): $flags"
  done
  (cd "$work" && cc -g "$here/consumer/app.c" $flags -o app) || die "cc -g app.c \$(pkg-config --cflags --libs cgosan)"
  run_app "$work/app"
  static_flags=$(pkg-config --cflags --libs cgosan-static) || die "pkg-config cannot find cgosan-static"
  (cd "$work" && cc -g "$here/consumer/app.c" $static_flags -o app_static) ||
    die "cc -g app.c \$(pkg-config --cflags --libs cgosan-static)"
  # The interceptors are linked in although app.c calls no pthread function,
  # and exported, so libstdc++'s std::thread and the C libraries bind to them.
  for symbol in pthread_create pthread_mutex_lock; do
    nm -D --defined-only "$work/app_static" | grep -w $symbol >/dev/null ||  # not -q: see cgosan-run
      die "app_static does not define and export $symbol (cgosan-static.pc: $static_flags)"
  done
  run_app "$work/app_static"
  ;;
*) die "unknown mode $mode" ;;
esac
echo "run-consumer: PASSED: $mode"
