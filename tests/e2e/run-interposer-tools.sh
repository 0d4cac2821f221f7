#!/usr/bin/env bash
# run-interposer-tools.sh — cgosan-gen and cgosan-run as installed, on the
# inputs users get wrong (ctest: e2e.interposer_tools).
#
#   run-interposer-tools.sh PREFIX WORKDIR
#
# cgosan-gen: a header that does not parse, a library that exports none of the
# header's functions, annotations naming a missing function or parameter (each:
# `FILE:LINE: error:`, exit 1, no output file and no temporary left behind);
# functions it cannot wrap (variadic, noreturn, not exported, a callback type
# with a struct result) are skipped with a warning and the rest is built;
# struct-by-value arguments are wrapped; --emit-c keeps the source; the
# annotation model is exported. cgosan-run: the program's exit status passes
# through; an unknown --lib fails with 125; the cache is reused.
set -u -o pipefail
die() { echo "run-interposer-tools: FAILED: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: run-interposer-tools.sh PREFIX WORKDIR"
prefix=$(realpath -e "$1") || die "no such prefix: $1 (did e2e.install run?)"
work=$2
rm -rf "$work" && mkdir -p "$work/out" || die "cannot make $work"
work=$(realpath "$work")
gen=$prefix/bin/cgosan-gen
run=$prefix/bin/cgosan-run
export XDG_CACHE_HOME=$work/cache
cd "$work" || exit 1

cat >tools.h <<'H'
struct point { int x, y; };
struct node { struct node *next; int value; };
int tool_sum(struct point p);
int tool_first(struct node head);
int tool_length(const struct node *list);
int tool_printf(const char *format, ...);
_Noreturn void tool_die(int code);
void tool_not_exported(void);
int tool_apply(struct point (*make)(void *ud), void *ud);
int tool_each(const int *items, int n, void (*cb)(int item, void *ud), void *ud);
H
cat >tools.c <<'C'
#include "tools.h"
#include <stdlib.h>
int tool_sum(struct point p) { return p.x + p.y; }
int tool_first(struct node head) { return head.value; }
int tool_length(const struct node *list) { int n = 0; for (; list; list = list->next) n++; return n; }
int tool_printf(const char *format, ...) { (void)format; return 0; }
void tool_die(int code) { exit(code); }
int tool_apply(struct point (*make)(void *ud), void *ud) { return make(ud).x; }
int tool_each(const int *items, int n, void (*cb)(int, void *), void *ud) {
  for (int i = 0; i < n; i++) cb(items[i], ud);
  return n;
}
C
clang-19 -shared -fPIC -o libtools.so tools.c || die "cannot build libtools.so"
printf 'int tool_ok(void);\nint tool_bad(int x y);\n' >bad.h

expect_error() {  # expect_error PATTERN ARGS...: exit 1, PATTERN on stderr, nothing written
  local pattern=$1; shift
  local err
  err=$("$gen" "$@" -o out/tools.so --emit-c out/tools.c 2>&1)
  [[ $? == 1 ]] || die "cgosan-gen $* did not exit 1: $err"
  grep -Eq -- "$pattern" <<<"$err" || die "cgosan-gen $*: expected /$pattern/, got: $err"
  [[ -z $(ls -A out) ]] || die "cgosan-gen $* left files behind: $(ls -A out)"
  echo "ok: error: ${err%%$'\n'*}"
}

expect_error '^cgosan-gen: .*/bad\.h:2: error: the header does not parse: ' bad.h --lib ./libtools.so
expect_error '^cgosan-gen: .*libz\.so\.1: error: exports none of the 8 functions' tools.h --lib libz.so.1
expect_error '^cgosan-gen: .*no-such-lib\.so\.9: error: no such library' tools.h --lib no-such-lib.so.9

cat >missing_function.ini <<'I'
# a comment
[tool_each]
user_data = ud for cb
[tool_nope]
blocks = yes
I
expect_error '^cgosan-gen: missing_function\.ini:4: error: tool_nope is not declared in the header\(s\)$' \
  tools.h --lib ./libtools.so --annotations missing_function.ini
cat >missing_param.ini <<'I'
[tool_each]
retains = 0 until tool_sum by zz
I
expect_error '^cgosan-gen: missing_param\.ini:2: error: tool_each has no parameter `zz` \(it has items, n, cb, ud\)$' \
  tools.h --lib ./libtools.so --annotations missing_param.ini
cat >not_callback.ini <<'I'
[tool_each]
user_data = ud for items
I
expect_error '^cgosan-gen: not_callback\.ini:2: error: parameter `items` of tool_each is not a function pointer$' \
  tools.h --lib ./libtools.so --annotations not_callback.ini
cat >unknown_key.ini <<'I'
[tool_each]
keeps = 0
I
expect_error '^cgosan-gen: unknown_key\.ini:2: error: unknown key `keeps`' \
  tools.h --lib ./libtools.so --annotations unknown_key.ini

cat >good.ini <<'I'
[tool_each]
user_data = ud for cb
retains = items until tool_length when n == 0
blocks = yes
I
err=$("$gen" tools.h --lib ./libtools.so --annotations good.ini -o out/tools.so --emit-c out/tools.c 2>&1) ||
  die "cgosan-gen on good input failed: $err"
for want in 'warning: tool_printf is variadic' 'warning: tool_die never returns' \
            'warning: tool_not_exported is not exported by' \
            'warning: parameter make of tool_apply is a callback type with a struct' \
            'warning: parameter head of tool_first is a struct passed by value that holds pointers'; do
  grep -q -- "$want" <<<"$err" || die "no warning '$want' in: $err"
done
echo "ok: warnings: $(grep -c warning <<<"$err")"
[[ $(ls -A out) == $'tools.c\ntools.so' ]] || die "expected exactly tools.c and tools.so, got: $(ls -A out)"
exported=$(nm -D --defined-only out/tools.so | awk '{print $3}' | sort | tr '\n' ' ')
[[ $exported == "cgosan_model_tools tool_apply tool_each tool_first tool_length tool_sum " ]] ||
  die "the interposer exports: $exported"
grep -q '"tool_length", NULL' out/tools.c && grep -q 'CGOSAN_GEN_BLOCKS | CGOSAN_GEN_CALLS_BACK' out/tools.c ||
  die "the annotation model is not in out/tools.c"
echo "ok: interposer exports $exported"

status=0; "$run" -- bash -c 'exit 3' || status=$?
[[ $status == 3 ]] || die "cgosan-run -- bash -c 'exit 3' exited $status"
status=0; "$run" --interpose out/tools.so -- bash -c '[[ $LD_PRELOAD == */libcgosan.so.0:*/out/tools.so ]]' ||
  status=$?
[[ $status == 0 ]] || die "cgosan-run --interpose does not preload libcgosan then the interposer"
status=0; "$run" --lib no_such_library -- true 2>/dev/null || status=$?
[[ $status == 125 ]] || die "cgosan-run --lib no_such_library exited $status, expected 125"
"$run" --lib zlib -- true || die "cgosan-run --lib zlib -- true failed"
cached=("$XDG_CACHE_HOME"/cgosan/interposers/zlib-*.so)
[[ ${#cached[@]} == 1 && -f ${cached[0]} ]] || die "no cached zlib interposer: ${cached[*]}"
before=$(stat -c %Y.%i "${cached[0]}")
"$run" --lib zlib -- true || die "second cgosan-run --lib zlib failed"
[[ $(stat -c %Y.%i "${cached[0]}") == "$before" ]] || die "the cached interposer was made again"
echo "ok: cgosan-run: exit status, preload order, errors, cache"
echo "run-interposer-tools: PASSED"
