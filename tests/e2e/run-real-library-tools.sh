#!/usr/bin/env bash
# run-real-library-tools.sh — cgosan-run and cgosan-gen as installed, on real
# libraries whose names and headers are not the simple case (ctest:
# e2e.real_library_tools).
#
#   run-real-library-tools.sh PREFIX WORKDIR [CACHE]
#
# `--lib` finds libpng (png.h, libpng16.so.16) by its header's name, its
# pkg-config package and its -l flag, all three the same cached interposer,
# and libuv as uv and libuv; an unknown name fails saying what was tried.
# `--interpose` accepts what cgosan-gen makes from png.h and from libxml2's
# tree.h: interposers with large symbol tables, where `nm | grep -q` under
# pipefail died of SIGPIPE. CACHE (XDG_CACHE_HOME) may be the one the e2e
# tests share, so the libpng and libuv interposers are made once for them
# all. Three generations at most: keep it so.
set -u -o pipefail
die() { echo "run-real-library-tools: FAILED: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: run-real-library-tools.sh PREFIX WORKDIR [CACHE]"
prefix=$(realpath -e "$1") || die "no such prefix: $1 (did e2e.install run?)"
work=$2
rm -rf "$work" && mkdir -p "$work" || die "cannot make $work"
work=$(realpath "$work")
export XDG_CACHE_HOME=${3:-$work/cache}
gen=$prefix/bin/cgosan-gen
run=$prefix/bin/cgosan-run
cd "$work" || exit 1

# The three names give one interposer: the second element of LD_PRELOAD.
interposers=()
for name in png libpng png16; do
  out=$("$run" --lib "$name" -- printenv LD_PRELOAD 2>&1) || die "cgosan-run --lib $name: $out"
  IFS=: read -r -a preload <<<"$out"
  [[ ${preload[1]:-} == "$XDG_CACHE_HOME"/cgosan/interposers/png-*.so && -f ${preload[1]} ]] ||
    die "cgosan-run --lib $name preloads: $out"
  interposers+=("${preload[1]}")
done
[[ ${interposers[0]} == "${interposers[1]}" && ${interposers[0]} == "${interposers[2]}" ]] ||
  die "--lib png, libpng and png16 preload different interposers: ${interposers[*]}"
out=$("$run" --interpose "${interposers[0]}" -- true 2>&1) ||
  die "cgosan-run --interpose of the png.h interposer: $out"
echo "ok: cgosan-run --lib png, libpng, png16: one interposer for png.h, accepted by --interpose"

# The annotations are the header's: --lib uv and --lib libuv both find uv.h
# and uv.ini, and so one interposer (the one the e2e uv tests use).
uv=()
for name in uv libuv; do
  out=$("$run" --lib "$name" -- printenv LD_PRELOAD 2>&1) || die "cgosan-run --lib $name: $out"
  IFS=: read -r -a preload <<<"$out"
  uv+=("${preload[1]:-}")
done
[[ ${uv[0]} == "$XDG_CACHE_HOME"/cgosan/interposers/uv-*.so && ${uv[0]} == "${uv[1]}" ]] ||
  die "--lib uv and --lib libuv preload: ${uv[*]}"
echo "ok: cgosan-run --lib uv, libuv: one interposer for uv.h"

err=$("$gen" /usr/include/libxml2/libxml/tree.h -I /usr/include/libxml2 --lib libxml2.so.2 -q \
  -o tree.so 2>&1) || die "cgosan-gen libxml2's tree.h: $err"
out=$("$run" --interpose tree.so -- true 2>&1) || die "cgosan-run --interpose tree.so: $out"
echo "ok: cgosan-gen + cgosan-run --interpose on libxml2's tree.h"

lib_dirs="/usr/local/lib/x86_64-linux-gnu /usr/local/lib /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib /lib"
expected="cgosan-run: --lib no_such_library: no such library; tried the pkg-config packages\
 no_such_library, libno_such_library (not installed); libno_such_library.so.N in ldconfig's cache;\
 libno_such_library.so (what -lno_such_library links) in $lib_dirs"
status=0; err=$("$run" --lib no_such_library -- true 2>&1) || status=$?
[[ $status == 125 && $err == "$expected" ]] ||
  die "cgosan-run --lib no_such_library: status $status, expected 125 and: $expected"$'\n'"got: $err"
expected="cgosan-run: --lib xml2: found libxml2.so.2 but no header; tried xml2.h xml.h in\
 /usr/local/include /usr/include /usr/include/x86_64-linux-gnu"
status=0; err=$("$run" --lib xml2 -- true 2>&1) || status=$?
[[ $status == 125 && $err == "$expected" ]] ||
  die "cgosan-run --lib xml2: status $status, expected 125 and: $expected"$'\n'"got: $err"
echo "ok: cgosan-run --lib: what was tried, for a library it cannot find and a header"
echo "run-real-library-tools: PASSED"
