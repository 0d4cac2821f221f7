#!/usr/bin/env bash
# run-ir.sh — the driver of the clang pass plugin's IR tests.
#
#   run-ir.sh SOURCE PLUGIN OPT
#
# Compiles SOURCE to LLVM IR with clang-19 (clang++-19 for .cpp), -g, the
# plugin (-fplugin and -fpass-plugin: clang parses the plugin's -mllvm flags
# before it loads pass plugins) and -OPT, plus the `// FLAGS:` lines of
# SOURCE (%S is SOURCE's directory), with remarks on (-Rpass=cgosan,
# -Rpass-missed=cgosan). A .ll SOURCE (IR clang does not make, `; FLAGS:`
# lines) goes through opt-19's default<OPT> pipeline with the plugin loaded
# (-load for its flags, -load-pass-plugin for the pass). FileChecks the IR with the prefixes CHECK and OPT
# (O0, O2; either may be unused) and, when SOURCE uses it, the remarks with REMARK.
# Environment: IR_CC / IR_CXX / IR_OPT (default clang-19 / clang++-19 /
# opt-19), IR_FILECHECK
# (default FileCheck-19).
set -u -o pipefail
die() { echo "run-ir: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || die "usage: run-ir.sh SOURCE PLUGIN OPT"
src=$(realpath -e "$1") || die "no such source: $1"
plugin=$(realpath -e "$2") || die "no such plugin: $2"
opt=$3
dir=$(dirname "$src")
case $src in
  *.c) compiler=${IR_CC:-clang-19} ;;
  *.cpp) compiler=${IR_CXX:-clang++-19} ;;
  *.ll) compiler=${IR_OPT:-opt-19} ;;
  *) die "unknown source language: $src" ;;
esac
read -r -a flags <<<"$(sed -n 's#^[[:space:]]*\(//\|;\)[[:space:]]*FLAGS:[[:space:]]*##p' "$src" | tr '\n' ' ')"
flags=("${flags[@]//%S/$dir}")
filecheck=${IR_FILECHECK:-FileCheck-19}

work=$(mktemp -d "${TMPDIR:-/tmp}/cgosan-ir.XXXXXX") || die "no temp dir"
trap 'rm -rf "$work"' EXIT
if [[ $src == *.ll ]]; then
  "$compiler" -S -o "$work/out.ll" -load="$plugin" -load-pass-plugin="$plugin" \
    -passes="default<$opt>" "${flags[@]}" "$src" 2>"$work/remarks"
else
  "$compiler" -g "-$opt" -S -emit-llvm -o "$work/out.ll" \
    -fplugin="$plugin" -fpass-plugin="$plugin" -Rpass=cgosan -Rpass-missed=cgosan \
    "${flags[@]}" "$src" 2>"$work/remarks"
fi || { cat "$work/remarks" >&2; die "compile failed"; }
"$filecheck" --allow-unused-prefixes --check-prefixes=CHECK,"$opt" "$src" <"$work/out.ll" ||
  die "FAILED: the IR of $(basename "$src") at -$opt"
if grep -q "REMARK:" "$src"; then
  "$filecheck" --check-prefix=REMARK "$src" <"$work/remarks" ||
    die "FAILED: the remarks of $(basename "$src") at -$opt"
fi
echo "run-ir: PASSED: $(basename "$src") at -$opt"
