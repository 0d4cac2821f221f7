#!/usr/bin/env bash
# run-e2e.sh — the driver of cgosan's end-to-end tests.
#
#   run-e2e.sh SOURCE PREFIX [EXIT [NAME=VALUE...]]
#
# Builds SOURCE (a .c or .cpp file) against the cgosan INSTALLED under PREFIX,
# the way a user would: flags from `pkg-config --cflags --libs cgosan` with
# PKG_CONFIG_PATH=PREFIX/lib/pkgconfig and nothing from the build tree. Runs
# the program from an empty directory (an installed copy must work from
# anywhere), checks its exit status, and matches its output with FileCheck
# against the directives in SOURCE.
#
# Directives in SOURCE (one per line, anywhere, `// KEY: value`):
#   // EXIT: N           expected exit status (default 0); an EXIT argument
#                        on the command line overrides it
#   // ENV: NAME=VALUE   environment of the run (repeatable); NAME=VALUE
#                        arguments on the command line are added after these
#   // LIBS: FLAGS       extra link flags (e.g. -lunwind)
#   // CFLAGS: FLAGS     extra compile flags for SOURCE only (repeatable), after
#                        the defaults (-g -O0 ...); %prefix is PREFIX, e.g.
#                        -fpass-plugin=%prefix/lib/libCgosanPass.so, and %S
#                        SOURCE's directory
#   // FOREIGN: FILE     a C file next to SOURCE, built without CFLAGS and
#                        linked in: foreign code the program calls (repeatable)
#   // FOREIGN-CFLAGS: FLAGS  extra compile flags for the FOREIGN files
#                        (repeatable; %prefix as in CFLAGS), e.g. the clang
#                        pass with -cgosan-race for a C side compiled with it
#   // SHARED-LIB: FILE.c  a C library the program links as %w/libFILE.so
#                        (FILE.c relative to SOURCE; its directory is added
#                        to the include path), for interposers (repeatable)
#   // PREP: COMMAND     run before the program, from %w, with PREFIX/bin first
#                        on PATH (e.g. cgosan-gen); a failure fails the test
#   // RUN-UNDER: CMD    run the program as `CMD PROGRAM`; CMD's first word is
#                        a tool of PREFIX/bin (e.g. cgosan-run --lib sqlite3 --)
#                        In PREP and RUN-UNDER, %w is the directory of the
#                        built program and %S SOURCE's directory.
#   // MODE: gdb         run under `gdb -batch -ex run -ex bt` instead; CHECK
#                        matches gdb's output, EXIT is not checked. Exit 77
#                        (ctest SKIP) when gdb is missing or may not ptrace.
#   // LOG: NAME         the run writes its report to %t/NAME.<pid>
#                        (log_path); CHECK matches that file and STDERR
#                        matches stderr
#   // SARIF: FILE ARGS  after the run, check-sarif.py checks the SARIF log
#                        FILE (e.g. written by cgosan-run --sarif) against
#                        the schema, with ARGS (--text %w/stderr: against
#                        the text reports on stderr; --results N,
#                        --suppressed N, --runs N); %t, %w, %S expanded
# In ENV values, %t is the test's scratch directory.
#
# FileCheck prefixes, each checked only when SOURCE uses it:
#   CHECK   stderr (or the log file, or gdb's output)
#   STDOUT  stdout
#   STDERR  stderr, in LOG mode
# FileCheck runs with --match-full-lines --strict-whitespace: write the
# expected text right after the colon (`// CHECK:==[[PID:[0-9]+]]==ERROR: ...`,
# `// CHECK-NEXT:    #0 0x...`), exactly as the program prints it. For CHECK,
# --implicit-check-not=CgoSanitizer makes every line that mentions the tool
# (headers, SUMMARY lines, warnings) something a test must expect explicitly.
# FileCheck gets -DRUNPID=<pid of the run>.
#
# Environment: E2E_WORKDIR (scratch directory, emptied; default: a new temp
# dir), E2E_CC / E2E_CXX (default clang-19 / clang++-19: the expected
# line:column positions are clang's), E2E_FILECHECK (default FileCheck-19),
# E2E_CFLAGS (compile flags for SOURCE after its CFLAGS: a variant of a test,
# e.g. -O2), E2E_CACHE (XDG_CACHE_HOME of the run, where cgosan-run caches
# interposers; default %t/cache), E2E_SARIF=1 (the SARIF variant: the run
# gets log_format=sarif with log_path=%t/sarif, and check-sarif.py checks
# each process's %t/sarif.<pid>.sarif against the schema and against the
# text reports in %t/sarif.<pid>, instead of FileCheck on CHECK and STDERR),
# E2E_CLEAN_OF (an extended regular expression: the run fails if its stderr
# matches it, e.g. 'AddressSanitizer|ASan ' for a variant built with
# -fsanitize=address that must leave ASan silent).
# E2E_OPTIONS (CGOSAN_OPTIONS added after the source's own: a variant run,
# e.g. retention=full, that must print what the source expects).
set -u -o pipefail

die() { echo "run-e2e: $*" >&2; exit 1; }
skip() { echo "run-e2e: SKIP: $*" >&2; exit 77; }

[[ $# -ge 2 ]] || die "usage: run-e2e.sh SOURCE PREFIX [EXIT [NAME=VALUE...]]"
src=$(realpath -e "$1") || die "no such source: $1"
prefix=$(realpath -e "$2") || die "no such prefix: $2 (did e2e.install run?)"
shift 2
cli_exit=
if [[ $# -gt 0 ]]; then cli_exit=$1; shift; fi
cli_env=("$@")

name=$(basename "$src"); name=${name%.*}
work=${E2E_WORKDIR:-}
if [[ -z $work ]]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/cgosan-e2e-$name.XXXXXX")
else
  rm -rf "$work" && mkdir -p "$work" || die "cannot make $work"
  work=$(realpath "$work")
fi
mkdir -p "$work/run" "$work/t"
tmp=$work/t

filecheck=${E2E_FILECHECK:-FileCheck-19}
command -v "$filecheck" >/dev/null ||
  die "$filecheck not found (Debian: apt-get install llvm-19-tools)"

# --- directives ---------------------------------------------------------------
directive() {  # all values of `// $1: ...`, one per line
  sed -n "s|^[[:space:]]*//[[:space:]]*$1:[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*\$|\1|p" "$src"
}
uses_prefix() { grep -Eq "^[[:space:]]*//[[:space:]]*$1(-[A-Z]+)?:" "$src"; }

exit_expected=$(directive EXIT | tail -n1)
[[ -n $cli_exit ]] && exit_expected=$cli_exit
exit_expected=${exit_expected:-0}
mode=$(directive MODE | tail -n1)
logname=$(directive LOG | tail -n1)
read -r -a extra_libs <<<"$(directive LIBS | tr '\n' ' ')"
read -r -a extra_cflags <<<"$(directive CFLAGS | tr '\n' ' ') ${E2E_CFLAGS:-}"
extra_cflags=("${extra_cflags[@]//%prefix/$prefix}")
mapfile -t foreign_sources < <(directive FOREIGN)
read -r -a foreign_cflags <<<"$(directive FOREIGN-CFLAGS | tr '\n' ' ')"
foreign_cflags=("${foreign_cflags[@]//%prefix/$prefix}")
run_env=("XDG_CACHE_HOME=${E2E_CACHE:-$tmp/cache}")
while IFS= read -r kv; do [[ -n $kv ]] && run_env+=("${kv//%t/$tmp}"); done < <(directive ENV)
for kv in "${cli_env[@]}"; do run_env+=("${kv//%t/$tmp}"); done
sarif_variant=${E2E_SARIF:-0}
variant_options=${E2E_OPTIONS:-}
[[ $sarif_variant == 1 ]] &&
  variant_options=${variant_options:+$variant_options:}log_format=sarif:log_path=$tmp/sarif
if [[ -n $variant_options ]]; then  # the last CGOSAN_OPTIONS, extended
  options=$variant_options
  for i in "${!run_env[@]}"; do
    [[ ${run_env[i]} == CGOSAN_OPTIONS=* ]] && options=${run_env[i]#CGOSAN_OPTIONS=}:$options
  done
  run_env+=("CGOSAN_OPTIONS=$options")
fi
check_sarif=(python3 "$(dirname "$0")/check-sarif.py" --schema "$(dirname "$0")/../sarif-schema-2.1.0.json")
srcdir=$(dirname "$src")
expand() { local v=${1//%t/$tmp}; v=${v//%w/$work}; echo "${v//%S/$srcdir}"; }
extra_cflags=("${extra_cflags[@]//%S/$srcdir}")  # an annotation file beside SOURCE
read -r -a run_under <<<"$(expand "$(directive RUN-UNDER | tail -n1)")"
if ((${#run_under[@]})); then
  [[ -x $prefix/bin/${run_under[0]} ]] || die "RUN-UNDER: no $prefix/bin/${run_under[0]}"
  run_under[0]=$prefix/bin/${run_under[0]}
fi

# --- build against the installed package --------------------------------------
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
pcflags=$(pkg-config --cflags --libs cgosan) || die "pkg-config cannot find cgosan in $PKG_CONFIG_PATH"
# cgosan.pc as installed must point at the prefix it was installed to; if it
# does not (a prefix fixed at configure time), fall back to pkg-config's
# --define-prefix so the runtime can still be tested, and say so loudly:
# e2e.pkgconfig fails on it.
pcinclude=$(realpath -m "$(pkg-config --variable=includedir cgosan)")
if [[ $pcinclude != "$prefix/include" ]]; then
  echo "run-e2e: WARNING: cgosan.pc does not point at $prefix ($pcflags); using --define-prefix" >&2
  pcflags=$(pkg-config --define-prefix --cflags --libs cgosan) || die "pkg-config --define-prefix failed"
fi
read -r -a pcflags_a <<<"$pcflags"

case $src in
  *.c) compiler=${E2E_CC:-clang-19} ;;
  *.cpp | *.cc) compiler=${E2E_CXX:-clang++-19} ;;
  *) die "unknown source language: $src" ;;
esac
while IFS= read -r lib_src; do
  [[ -n $lib_src ]] || continue
  lib_src=$(realpath -e "$srcdir/$lib_src") || die "SHARED-LIB: no such source: $lib_src"
  lib_name=$(basename "$lib_src" .c)
  clang-19 -g -O0 -fno-omit-frame-pointer -fPIC -shared -pthread "$lib_src" -o "$work/lib$lib_name.so" ||
    die "SHARED-LIB: cannot build $lib_src"
  extra_libs+=("-I$(dirname "$lib_src")" "-L$work" "-l$lib_name" "-Wl,-rpath,$work")
done < <(directive SHARED-LIB)
bin=$work/$name
common_cflags=(-g -O0 -fno-omit-frame-pointer -Wall -Werror -pthread)
foreign_objects=()
for foreign in "${foreign_sources[@]}"; do
  foreign_src=$(dirname "$src")/$foreign
  foreign_obj=$work/$(basename "${foreign%.*}").o
  # pkg-config's flags include the link flags, unused by -c.
  (cd "$work" && "${E2E_CC:-clang-19}" "${common_cflags[@]}" "${foreign_cflags[@]}" \
     -Wno-unused-command-line-argument -c "$foreign_src" -o "$foreign_obj" "${pcflags_a[@]}") ||
    die "compile of $foreign failed"
  foreign_objects+=("$foreign_obj")
done
(cd "$work" && "$compiler" "${common_cflags[@]}" "${extra_cflags[@]}" \
   "$src" "${foreign_objects[@]}" -o "$bin" "${pcflags_a[@]}" "${extra_libs[@]}") ||
  die "compile failed"

# The program must load the installed runtime through its RUNPATH, not a copy
# found through the environment or the build tree.
lib=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$bin" | awk '$1 ~ /^libcgosan\.so/ {print $3}')
[[ $lib == "$prefix"/lib/* ]] || die "$bin loads libcgosan from '$lib', not from $prefix/lib"

# --- run -----------------------------------------------------------------------
clean_env=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u CGOSAN_OPTIONS "${run_env[@]}")
while IFS= read -r prep; do
  [[ -n $prep ]] || continue
  prep=$(expand "$prep")
  (cd "$work" && PATH=$prefix/bin:$PATH "${clean_env[@]}" bash -c "$prep") >"$work/prep.log" 2>&1 ||
    { cat "$work/prep.log" >&2; die "PREP failed: $prep"; }
done < <(directive PREP)
out=$work/stdout; err=$work/stderr; pidfile=$work/pid
status=0
cd "$work/run" || die "cannot cd to $work/run"
if [[ $mode == gdb ]]; then
  command -v gdb >/dev/null || skip "gdb is not installed"
  gdbout=$work/gdb.out
  "${clean_env[@]}" gdb -nx -batch -ex 'set debuginfod enabled off' \
    -ex 'set startup-with-shell off' -ex run -ex bt "$bin" >"$gdbout" 2>&1
  if ! grep -q '^Program received signal' "$gdbout"; then
    if grep -Eqi 'ptrace|Operation not permitted|Could not trace|not permitted' "$gdbout"; then
      cat "$gdbout" >&2
      skip "gdb may not ptrace here"
    fi
  fi
  check_input=$gdbout
  runpid=0
else
  "${clean_env[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "${run_under[@]}" "$bin" \
    >"$out" 2>"$err" </dev/null
  status=$?
  runpid=$(cat "$pidfile")
  check_input=$err
fi
cd "$work" || exit 1

fail=0
report() {  # name file: show a captured stream after a failure
  echo "----- $1 ($2) -----" >&2; cat "$2" >&2; echo "----- end of $1 -----" >&2
}
if [[ $mode != gdb && $status != "$exit_expected" ]]; then
  echo "run-e2e: $name exited with $status, expected $exit_expected" >&2
  fail=1
fi

if [[ -n $logname && $sarif_variant != 1 ]]; then
  shopt -s nullglob
  logs=("$tmp/$logname".*)
  shopt -u nullglob
  if [[ ${#logs[@]} -ne 1 ]]; then
    echo "run-e2e: expected exactly one $tmp/$logname.<pid>, found: ${logs[*]:-none}" >&2
    fail=1
  elif [[ ${logs[0]} != "$tmp/$logname.$runpid" ]]; then
    echo "run-e2e: log file ${logs[0]} is not $tmp/$logname.$runpid" >&2
    fail=1
  else
    check_input=${logs[0]}
  fi
fi

if [[ -n ${E2E_CLEAN_OF:-} && $mode != gdb ]] && grep -Eq "$E2E_CLEAN_OF" "$err"; then
  echo "run-e2e: stderr matches '$E2E_CLEAN_OF': the program's sanitizer spoke" >&2
  fail=1
fi

if [[ $sarif_variant == 1 ]]; then
  shopt -s nullglob
  sarif_logs=("$tmp"/sarif.*.sarif) text_logs=()
  for text in "$tmp"/sarif.*; do [[ $text == *.sarif* ]] || text_logs+=(--text "$text"); done
  shopt -u nullglob
  if [[ ! -f $tmp/sarif.$runpid.sarif ]]; then
    echo "run-e2e: no SARIF log $tmp/sarif.$runpid.sarif" >&2
    fail=1
  elif ! "${check_sarif[@]}" "${text_logs[@]}" "${sarif_logs[@]}"; then
    fail=1
  fi
fi
while read -r -a sarif_args; do
  ((${#sarif_args[@]})) || continue
  [[ $fail == 0 ]] || break
  for i in "${!sarif_args[@]}"; do sarif_args[i]=$(expand "${sarif_args[i]}"); done
  "${check_sarif[@]}" "${sarif_args[@]:1}" "${sarif_args[0]}" || fail=1
done < <(directive SARIF)

filecheck() {  # prefix input [extra FileCheck flags]
  local prefix=$1 input=$2; shift 2
  "$filecheck" --match-full-lines --strict-whitespace --allow-empty --check-prefix="$prefix" \
    -DRUNPID="$runpid" "$@" "$src" <"$input"
}
if [[ $fail == 0 && $sarif_variant != 1 ]] && uses_prefix CHECK; then
  filecheck CHECK "$check_input" --implicit-check-not=CgoSanitizer || fail=1
fi
if [[ $fail == 0 ]] && uses_prefix STDOUT && [[ $mode != gdb ]]; then
  filecheck STDOUT "$out" || fail=1
fi
if [[ $fail == 0 && $sarif_variant != 1 ]] && uses_prefix STDERR && [[ -n $logname ]]; then
  filecheck STDERR "$err" || fail=1
fi

if [[ $fail != 0 ]]; then
  if [[ $mode == gdb ]]; then report "gdb output" "$gdbout"
  else report stdout "$out"; report stderr "$err"; fi
  [[ -n $logname && -n ${logs[0]:-} ]] && report log "${logs[0]}"
  echo "run-e2e: FAILED: $name (scratch: $work)" >&2
  exit 1
fi
echo "run-e2e: PASSED: $name"
