#!/usr/bin/env bash
# run-bad-annotations.sh PLUGIN — the pass's -cgosan-annotations on bad
# input: each case fails the compile with one clear `error: cgosan: ...`
# line; a line naming a parameter by name is an error only in a module that
# calls its function.
set -u -o pipefail
die() { echo "run-bad-annotations: $*" >&2; exit 1; }
[[ $# -eq 1 ]] || die "usage: run-bad-annotations.sh PLUGIN"
plugin=$(realpath -e "$1") || die "no such plugin: $1"
work=$(mktemp -d "${TMPDIR:-/tmp}/cgosan-pass-bad.XXXXXX") || die "no temp dir"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
printf 'void lib_keep(void *p, long owner);\nvoid f(void *p) { lib_keep(p, 1); }\n' >app.c

compile() {  # INI: compiles app.c with it; stderr in err
  clang-19 -c -o app.o -fplugin="$plugin" -fpass-plugin="$plugin" \
    -mllvm -cgosan-foreign='lib_*' -mllvm -cgosan-annotations="$1" app.c 2>err
}
expect_error() {  # 'INI TEXT' PATTERN
  printf '%b' "$1" >case.ini
  compile case.ini && die "compiled with: $1"
  grep -Eq -- "^error: cgosan: $2\$" err || die "expected /$2/ for: $1; got: $(cat err)"
  echo "ok: $(head -1 err)"
}
expect_error '[lib_keep]\nretains = p until lib_drop\n' \
  'case\.ini:2: the pass knows parameters by index, not by name: `p` \(PARAM\) of lib_keep'
expect_error '[lib_keep]\nretains = 0 until lib_drop by owner\n' \
  'case\.ini:2: the pass knows parameters by index, not by name: `owner` \(by\) of lib_keep'
expect_error '[lib_keep]\nretains = 0 until\n' \
  'case\.ini:2: `retains` takes: PARAM until FUNCTION\.\.\. \[by PARAM\] \[when PARAM == INTEGER\] \[slot PARAM\] \[if result == INTEGER\]'
expect_error '[lib_keep]\nretains = 0 until lib_drop slot 1 if result = 0\n' \
  'case\.ini:2: `retains` takes: .*'
expect_error '[lib_keep]\nretains = 0 until lib_drop slot x\n' \
  'case\.ini:2: the pass knows parameters by index, not by name: `x` \(slot\) of lib_keep'
expect_error '[lib_keep]\nrebinds = 1 for 0\n' \
  'case\.ini:2: `rebinds` takes: PARAM \[by PARAM\]'
expect_error '[lib_keep]\nnoescape = perhaps\n' \
  'case\.ini:2: `noescape` takes yes or no, not `perhaps`'
expect_error '[lib_keep]\nretains = 0 until lib_drop\nnoescape = yes\n' \
  'case\.ini:3: `noescape = yes` contradicts `retains` \(case\.ini:2\): a function that keeps an argument cannot promise to keep none'
expect_error '[lib_keep]\nretains = 0 until lib_drop when 1 == 0x10000000000000000\n' \
  'case\.ini:2: `retains` takes: .*'
expect_error '# no section yet\nretains = 0 until lib_drop\n' \
  'case\.ini:2: `retains` before any \[function\] section'
expect_error '[lib_keep]\nretains = 1 until lib_drop\n' \
  'case\.ini:2: parameter 1 of lib_keep is not a pointer in the call'
expect_error '[lib_keep]\nretains = 5 until lib_drop\n' \
  'case\.ini:2: lib_keep is called with no parameter 5'
compile no-such.ini && die "compiled with a missing file"
grep -Eq "^error: cgosan: cannot read -cgosan-annotations file 'no-such\.ini': " err ||
  die "missing file: $(cat err)"
echo "ok: missing file"
# Names in a function the module does not call: the file may serve an
# interposer too.
printf '[lib_other]\nretains = p until lib_drop\n' >other.ini
compile other.ini || die "a name in an uncalled function's line failed: $(cat err)"
echo "ok: names of functions the module does not call"
