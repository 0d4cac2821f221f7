#!/usr/bin/env bash
# run-interposer-tools.sh — cgosan-gen and cgosan-run as installed, on the
# inputs users get wrong (ctest: e2e.interposer_tools).
#
#   run-interposer-tools.sh PREFIX WORKDIR
#
# cgosan-gen: a header that does not parse, a library that exports none of the
# header's functions, annotations naming a missing function or parameter, and
# every way an `access` line can be wrong (each: `FILE:LINE: error:`, exit 1,
# no output file and no temporary left behind);
# functions it cannot wrap (variadic, noreturn, not exported, a callback type
# with a struct result) are skipped with a warning and the rest is built;
# struct-by-value arguments are wrapped; --emit-c keeps the source; the
# annotation model is exported, with the access rows of defaults and
# annotations, and each wrapper records the rows of its own table. cgosan-run: the program's exit status passes
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
int tool_generic(void (*fn)(void), int x);
struct opaque;
int tool_copy(char *out, unsigned size, const char *in, int n, struct opaque *handle,
              double scale);
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
int tool_generic(void (*fn)(void), int x) { return ((int (*)(int))fn)(x); }
int tool_copy(char *out, unsigned size, const char *in, int n, struct opaque *handle,
              double scale) {
  (void)handle; (void)scale;
  for (int i = 0; i < n && (unsigned)i < size; i++) out[i] = in[i];
  return n;
}
C
clang-19 -shared -fPIC -o libtools.so tools.c || die "cannot build libtools.so"
printf 'int tool_ok(void);\nint tool_bad(int x y);\n' >bad.h

expect_gen_error() {  # PATTERN ARGS...: exit 1, PATTERN on stderr (one line), nothing written
  local pattern=$1; shift
  local err
  err=$("$gen" "$@" 2>&1)
  [[ $? == 1 ]] || die "cgosan-gen $* did not exit 1: $err"
  grep -Eq -- "$pattern" <<<"$err" || die "cgosan-gen $*: expected /$pattern/, got: $err"
  [[ $err != *Traceback* ]] || die "cgosan-gen $*: a traceback: $err"
  [[ -z $(ls -A out) ]] || die "cgosan-gen $* left files behind: $(ls -A out)"
  echo "ok: error: ${err%%$'\n'*}"
}
expect_error() {  # PATTERN ARGS...: expect_gen_error with -o out/tools.so --emit-c out/tools.c
  expect_gen_error "$@" -o out/tools.so --emit-c out/tools.c
}

expect_error '^cgosan-gen: .*/bad\.h:2: error: the header does not parse: ' bad.h --lib ./libtools.so
expect_error '^cgosan-gen: .*libz\.so\.1: error: exports none of the 10 functions' tools.h --lib libz.so.1
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
expect_file_error() {  # TEXT LINE MESSAGE-PATTERN: the error at LINE of a file of TEXT (a printf format)
  printf "$1" >annotation.ini
  expect_error "^cgosan-gen: annotation\\.ini:$2: error: $3\$" \
    tools.h --lib ./libtools.so --annotations annotation.ini
}
expect_annotation_error() {  # FUNCTION 'KEY = VALUE' MESSAGE-PATTERN: the error of that line
  printf '[%s]\n%s\n' "$1" "$2" >annotation.ini
  expect_error "^cgosan-gen: annotation\\.ini:2: error: $3\$" \
    tools.h --lib ./libtools.so --annotations annotation.ini
}
expect_annotation_error tool_each 'retains = 0 until tool_sum by zz' \
  'tool_each has no parameter `zz` \(it has items, n, cb, ud\)'
# What a library keeps is memory: a `retains` parameter must be a data pointer.
expect_annotation_error tool_each 'retains = n until tool_length' \
  '`retains` names parameter `n` of tool_each, which is not a data pointer'
expect_annotation_error tool_each 'retains = cb until tool_length' \
  '`retains` names parameter `cb` of tool_each, which is not a data pointer'
# The owner (`by`) is the handle the `until` calls take: a pointer or an integer.
expect_annotation_error tool_each 'retains = items until tool_length by cb' \
  '`retains ... by` names parameter `cb` of tool_each, which is neither a pointer nor an integer \(the handle the `until` calls take\)'
expect_annotation_error tool_each 'retains = items until tool_sum' \
  '`until` function tool_sum takes no pointer or integer first argument to be called with the handle'
expect_annotation_error tool_each 'user_data = ud for items' \
  'parameter `items` of tool_each is not a function pointer'
expect_annotation_error tool_each 'thread_safe = sometimes' '`thread_safe` takes yes or no, not `sometimes`'
expect_annotation_error tool_each 'keeps = 0' \
  'unknown key `keeps` \(known: retains, user_data, blocks, calls_back, thread_safe, access, nocallback, noescape, rebinds\)'
# nocallback: a yes/no value, and only with `blocks = no` (the fast crossing
# holds up collections while it runs), never beside `calls_back = yes`.
expect_annotation_error tool_length 'nocallback = maybe' '`nocallback` takes yes or no, not `maybe`'
expect_annotation_error tool_length 'nocallback = yes' \
  '`nocallback = yes` needs `blocks = no` in \[tool_length\]: a nocallback call holds up every collection while it runs, so it must not block'
expect_file_error '[tool_length]\nnocallback = yes\nblocks = yes\n' 3 \
  '`nocallback = yes` needs `blocks = no` in \[tool_length\]: a nocallback call holds up every collection while it runs, so it must not block'
expect_file_error '[tool_each]\ncalls_back = yes\nblocks = no\nnocallback = yes\n' 4 \
  '`nocallback = yes` contradicts `calls_back = yes` \(line 2\)'
# noescape (Go 1.22's other promise): a yes/no value, and never beside a
# `retains` line (a function that keeps an argument cannot promise the opposite).
expect_annotation_error tool_length 'noescape = maybe' '`noescape` takes yes or no, not `maybe`'
expect_file_error '[tool_each]\nretains = items until tool_length\nnoescape = yes\n' 3 \
  '`noescape = yes` contradicts `retains` \(line 2\): a function that keeps an argument cannot promise to keep none'
# retains ... slot PARAM [if result == INTEGER]: the slot is a pointer or an
# integer; the clauses come in that order.
expect_annotation_error tool_each 'retains = items until tool_length slot cb' \
  '`retains ... slot` names parameter `cb` of tool_each, which is neither a pointer nor an integer'
expect_annotation_error tool_each 'retains = items until tool_length if result == 0 slot n' \
  '`retains` takes: PARAM until FUNCTION\.\.\. \[by PARAM\] \[when PARAM == INTEGER\] \[slot PARAM\] \[if result == INTEGER\]'
expect_annotation_error tool_each 'rebinds = cb' \
  '`rebinds` names parameter `cb` of tool_each, which is neither a pointer nor an integer'
expect_annotation_error tool_each 'rebinds = n for items' '`rebinds` takes: PARAM \[by PARAM\]'
expect_annotation_error tool_each 'retains = items until tool_length slot n if result == 010' \
  '`010` is not an INTEGER: write it in decimal without leading zeros, or in hex with 0x'

# access = PARAM read|write|none [size PARAM [* INTEGER] [or string] | fixed INTEGER | string]
bad_access='`access` takes: PARAM read\|write\|none \[size PARAM \[\* INTEGER\] \[or string\] \| fixed INTEGER \| string\]'
for value in 'out sometimes' 'in none size n' 'out write fixed 0x10'; do
  expect_annotation_error tool_copy "access = $value" "$bad_access"
done
copy_params='\(it has out, size, in, n, handle, scale\)'
expect_annotation_error tool_copy 'access = zz read' "tool_copy has no parameter \`zz\` $copy_params"
expect_annotation_error tool_copy 'access = out write size zz' "tool_copy has no parameter \`zz\` $copy_params"
expect_annotation_error tool_copy 'access = n read' 'parameter `n` of tool_copy is not a data pointer'
expect_annotation_error tool_each 'access = cb read' 'parameter `cb` of tool_each is not a data pointer'
expect_annotation_error tool_copy 'access = out write size scale' \
  'the `size` of `out` is parameter `scale` of tool_copy, which is not an integer'
expect_annotation_error tool_copy 'access = handle write fixed 8' \
  '`fixed` counts elements of `struct opaque`, which has no size \(an incomplete type\); `handle` of tool_copy can only be `none`'
expect_annotation_error tool_copy 'access = in read size size or string' \
  '`or string` is for a count that may be negative; parameter `size` of tool_copy is unsigned'
expect_annotation_error tool_each 'access = items read string' \
  '`string` needs a pointer to characters; `items` of tool_each points to `const int`'
expect_annotation_error tool_copy 'access = out write' \
  'parameter `out` of tool_copy points to `char`, whose extent is unknown: say `size`, `fixed` or `string`'
# INTEGERs: decimal without leading zeros (010 would be octal in C) or 0x hex,
# in 64 bits.
expect_annotation_error tool_each 'retains = items until tool_length when n == 010' \
  '`010` is not an INTEGER: write it in decimal without leading zeros, or in hex with 0x'
expect_annotation_error tool_each 'retains = items until tool_length when n == 0x10000000000000000' \
  '`0x10000000000000000` does not fit in 64 bits'
expect_annotation_error tool_copy 'access = out write fixed 9223372036854775808' \
  '`9223372036854775808` is too large \(at most 9223372036854775807\)'
expect_file_error '[tool_each]\nblocks = y\xe9s\n' 2 \
  'the annotation file is not UTF-8 text \(byte 0xe9\)'
expect_file_error '[tool_copy]\naccess = in read size n\naccess = in none\n' 3 \
  'parameter `in` of tool_copy already has an `access` \(line 2\)'

# Outputs that cannot be written, or that would overwrite an input, are
# refused before any work; the C compiler must exist.
expect_gen_error '^cgosan-gen: out/no-dir/tools\.so: error: -o: no such directory .*/out/no-dir$' \
  tools.h --lib ./libtools.so -o out/no-dir/tools.so
expect_gen_error '^cgosan-gen: out: error: -o names a directory, not a file$' \
  tools.h --lib ./libtools.so -o out
expect_gen_error '^cgosan-gen: error: -o needs a file name, not an empty string$' \
  tools.h --lib ./libtools.so -o ''
expect_gen_error '^cgosan-gen: out/no-dir/tools\.c: error: --emit-c: no such directory .*/out/no-dir$' \
  tools.h --lib ./libtools.so -o out/tools.so --emit-c out/no-dir/tools.c
expect_gen_error '^cgosan-gen: error: --emit-c needs a file name, not an empty string$' \
  tools.h --lib ./libtools.so -o out/tools.so --emit-c ''
expect_gen_error '^cgosan-gen: tools\.h: error: --emit-c would overwrite a header$' \
  tools.h --lib ./libtools.so -o out/tools.so --emit-c tools.h
expect_gen_error '^cgosan-gen: out/tools\.so: error: --emit-c would overwrite the -o output$' \
  tools.h --lib ./libtools.so -o out/tools.so --emit-c out/tools.so
expect_gen_error '^cgosan-gen: libtools\.so: error: -o would overwrite the library$' \
  tools.h --lib ./libtools.so -o libtools.so
CC=no-such-cc expect_error '^cgosan-gen: error: cannot run the C compiler `no-such-cc` \(set CC to one that is installed\)$' \
  tools.h --lib ./libtools.so -q
# --emit-c on another file system than -o: both are made (each beside itself).
if [[ -d /dev/shm && -w /dev/shm ]]; then
  shm_c=$(mktemp /dev/shm/cgosan-tools.XXXXXX.c)
  err=$(CC= "$gen" tools.h --lib ./libtools.so -q -o out/tools.so --emit-c "$shm_c" 2>&1) ||
    die "cgosan-gen with --emit-c in /dev/shm failed: $err"
  [[ -s $shm_c && -f out/tools.so ]] || die "cgosan-gen with --emit-c in /dev/shm: no output"
  rm -f "$shm_c" out/tools.so
  echo "ok: --emit-c on another file system, CC empty"
fi

# Declarations libclang's binding reads badly: a function declared through a
# function typedef is wrapped; a _Float16 parameter (a TypeKind the binding
# does not know) is skipped with a warning; an attribute string that is not
# UTF-8 does not stop the run.
printf 'typedef int odd_fn_t(int x);\nodd_fn_t odd_typedefd;\nint odd_half(_Float16 h);\nint odd_latin1(int x) __attribute__((deprecated("caf\351")));\nint odd_plain(int x);\n' >odd.h
printf '%s\n' 'int odd_typedefd(int x) { return x; }' 'int odd_half(_Float16 h) { return (int)h; }' \
  'int odd_latin1(int x) { return x; }' 'int odd_plain(int x) { return x; }' >odd.c
clang-19 -shared -fPIC -o libodd.so odd.c || die "cannot build libodd.so"
err=$("$gen" odd.h --lib ./libodd.so -o out/odd.so 2>&1) || die "cgosan-gen odd.h failed: $err"
[[ $err != *Traceback* ]] || die "cgosan-gen odd.h: a traceback: $err"
grep -q "odd\.h:3: warning: odd_half has a parameter or result of a type libclang's Python binding does not know" <<<"$err" ||
  die "cgosan-gen odd.h: no warning for odd_half: $err"
# Not `nm | grep -q`: under pipefail, nm killed by SIGPIPE when grep stops
# early would fail the pipeline.
odd_symbols=$(nm -D --defined-only out/odd.so)
grep -q ' T odd_typedefd$' <<<"$odd_symbols" || die "odd_typedefd is not interposed"
grep -q ' T odd_latin1$' <<<"$odd_symbols" || die "odd_latin1 is not interposed"
rm -f out/odd.so
echo "ok: a function typedef, _Float16, a non-UTF-8 attribute"

# One declaration the generated C cannot express must not sink the others:
# those known in advance are skipped with a reason, and a wrapper the
# compiler still rejects is dropped and the rest built again. The header
# lives in a directory whose name holds `"` and `*/`.
skips_dir='skips"dir*/x'
mkdir -p "$skips_dir"
cat >"$skips_dir/skips.h" <<'H'
int sk_inline(int x);
inline int sk_inline(int x) { return x; }
int sk_ms(int x) __attribute__((ms_abi));
typedef double sk_v4d __attribute__((vector_size(32)));
sk_v4d sk_wide(sk_v4d v);
int sk_vla2(int n, int m, int a[n][m]);
int sk_noreturn_callback(void (*die)(int) __attribute__((noreturn)), int x);
int sk_plain(int x);
H
for f in sk_inline sk_ms sk_wide sk_vla2 sk_noreturn_callback sk_plain; do
  echo "void $f(void) {}"
done >skips.c
clang-19 -shared -fPIC -o libskips.so skips.c || die "cannot build libskips.so"
err=$("$gen" "$skips_dir/skips.h" --lib ./libskips.so -o out/skips.so 2>&1) ||
  die "cgosan-gen skips.h failed: $err"
for want in 'skips\.h:1: warning: sk_inline is defined in the header \(an inline definition\)' \
            'skips\.h:3: warning: sk_ms uses the ms_abi calling convention, not C'"'"'s' \
            'skips\.h:5: warning: sk_wide passes a vector wider than 16 bytes by value' \
            'skips\.h:6: warning: sk_vla2 has a parameter of variably modified type \(`int\[n\]\[m\]`\)' \
            'skips\.h:7: warning: sk_noreturn_callback makes C the compiler rejects \(.*\); not interposed'; do
  grep -Eq -- "$want" <<<"$err" || die "cgosan-gen skips.h: no /$want/ in: $err"
done
interposed=$(nm -D --defined-only out/skips.so | awk '$3 ~ /^sk_/ {print $3}' | tr '\n' ' ')
[[ $interposed == "sk_plain " ]] || die "skips.h: interposed: $interposed"
rm -f out/skips.so
echo "ok: declarations the generated C cannot express are skipped, the rest is built"

# "Never returns" is clang's verdict, whatever spelling or macro says it, and
# never a substring of something else: a message, a type name, a parameter.
cat >noreturn.h <<'H'
#define DIES __attribute__((__noreturn__))
#define DIES_C11 _Noreturn
_Noreturn void nr_c11(int);
DIES_C11 void nr_c11_macro(int);
void nr_gnu(int) __attribute__((noreturn));
DIES void nr_gnu_macro(int);
[[noreturn]] void nr_c23(int);
typedef void nr_fn_t(int) __attribute__((noreturn));
nr_fn_t nr_typedef;
void (*nr_returns_fnptr(int))(char) __attribute__((noreturn));
void ok_message(int) __attribute__((deprecated("use ok_other; it will become noreturn")));
typedef int noreturn_code_t;
noreturn_code_t ok_type_name(int);
struct noreturn_stats;
int ok_struct_name(struct noreturn_stats *s);
void ok_param_name(int noreturn);
void (*ok_returns_fnptr(int))(char);
H
for f in nr_c11 nr_c11_macro nr_gnu nr_gnu_macro nr_c23 nr_typedef nr_returns_fnptr ok_message \
         ok_type_name ok_struct_name ok_param_name ok_returns_fnptr; do
  echo "void $f(void) {}"
done >noreturn.c
clang-19 -shared -fPIC -o libnoreturn.so noreturn.c || die "cannot build libnoreturn.so"
err=$("$gen" noreturn.h --lib ./libnoreturn.so -o out/noreturn.so 2>&1)
[[ $? == 0 ]] || die "cgosan-gen noreturn.h failed: $err"
interposed=$(nm -D --defined-only out/noreturn.so | awk '$3 ~ /^(nr|ok)_/ {print $3}' | sort | tr '\n' ' ')
[[ $interposed == "ok_message ok_param_name ok_returns_fnptr ok_struct_name ok_type_name " ]] ||
  die "noreturn.h: interposed: $interposed; warnings: $err"
[[ $(grep -c 'never returns' <<<"$err") == 7 ]] || die "noreturn.h: expected 7 'never returns' warnings: $err"
rm -f out/noreturn.so
echo "ok: never returns: 7 ways to say it, 5 declarations that do not"

cat >good.ini <<'I'
[tool_each]
user_data = ud for cb
retains = items until tool_length when n == 0
rebinds = n by items
access = items read size n
blocks = yes
[tool_copy]
thread_safe = yes
access = out write size size
access = 2 read size n * 2 or string
retains = 2 until tool_length by 4 slot 1 if result == 0
[tool_length]
nocallback = yes
blocks = no
noescape = yes
I
err=$("$gen" tools.h --lib ./libtools.so --annotations good.ini -o out/tools.so --emit-c out/tools.c 2>&1) ||
  die "cgosan-gen on good input failed: $err"
for want in 'warning: tool_printf is variadic' 'warning: tool_die never returns' \
            'warning: tool_not_exported is not exported by' \
            'warning: parameter make of tool_apply is a callback type with a struct' \
            'warning: parameter fn of tool_generic is `void (\*)(void)`, a generic function pointer that does not say the callback'"'"'s real type; callbacks through it run unwrapped, as foreign code' \
            'warning: parameter head of tool_first is a struct passed by value that holds pointers'; do
  grep -q -- "$want" <<<"$err" || die "no warning '$want' in: $err"
done
echo "ok: warnings: $(grep -c warning <<<"$err")"
[[ $(ls -A out) == $'tools.c\ntools.so' ]] || die "expected exactly tools.c and tools.so, got: $(ls -A out)"
exported=$(nm -D --defined-only out/tools.so | awk '{print $3}' | sort | tr '\n' ' ')
[[ $exported == "cgosan_gen_interposer_marker cgosan_model_tools tool_apply tool_copy tool_each tool_first tool_generic tool_length tool_sum " ]] ||
  die "the interposer exports: $exported"
grep -q '"tool_length", NULL' out/tools.c && grep -q 'CGOSAN_GEN_BLOCKS | CGOSAN_GEN_CALLS_BACK' out/tools.c ||
  die "the annotation model is not in out/tools.c"
# Access rows {param, flags, count_param, elements, element_size}: annotated
# (tool_each, tool_copy) and default (tool_length: one `const struct node`).
access_table() {  # the rows of a function's access table, one line
  sed -n "/^static const cgosan_gen_access cgosan_model_access_$1\[\] = {\$/,/^};\$/p" out/tools.c |
    sed '1d;$d' | tr -s ' \n' ' '
}
[[ $(access_table tool_each) == ' {0, 0, 1, 1LL, 4}, ' ]] ||
  die "tool_each's access table: $(access_table tool_each)"
[[ $(access_table tool_copy) == ' {0, CGOSAN_GEN_ACCESS_WRITE, 1, 1LL, 1}, {2, CGOSAN_GEN_ACCESS_STRING_IF_NEGATIVE, 3, 2LL, 1}, ' ]] ||
  die "tool_copy's access table: $(access_table tool_copy)"
[[ $(access_table tool_length) == ' {0, 0, CGOSAN_GEN_NO_PARAM, 1LL, 16}, ' ]] ||
  die "tool_length's access table: $(access_table tool_length)"
grep -Fq 'cgosan_gen_record_access(&cgosan_model_access_tool_copy[1], (const void *)arg2, (long long)arg3, "tool_copy");' out/tools.c ||
  die "tool_copy's wrapper does not record row 1 of its table"
# A thread-safe function keeps the rows its `access` lines give.
grep -Fq '"tool_copy", CGOSAN_GEN_THREAD_SAFE, cgosan_model_retains_tool_copy, 1, NULL, 0, cgosan_model_access_tool_copy, 2}' out/tools.c ||
  die "tool_copy's model entry is not thread-safe or does not point at its access table"
# The retention check, under its `when` (n == 0), named after its `until`,
# with its owner (parameter 0 by default) and its `until` list; the `until`
# function ends the owner's retentions, whoever calls it.
grep -F -A1 'if ((long long)(intptr_t)arg1 == 0LL)' out/tools.c | sed 1d |
  grep -Fq 'cgosan_check_retained_by((const void *)arg0, (const void *)(intptr_t)arg0, "tool_each", 0, "tool_length", cgosan_model_until_tool_each_0);' ||
  die "tool_each's wrapper does not check its retained argument under its condition"
# Off a G, once a foreign heap is registered, the same line for its objects,
# in the foreign caller's path, before the real call.
grep -F -A4 'if (cgosan_gen_foreign_heap()) {' out/tools.c | tr -s ' \n' ' ' |
  grep -Fq 'if (cgosan_gen_foreign_heap()) { if ((long long)(intptr_t)arg1 == 0LL) cgosan_check_retained_foreign((const void *)arg0, (const void *)(intptr_t)arg0, "tool_each", 0, "tool_length", cgosan_model_until_tool_each_0); } return real(arg0, arg1, arg2, arg3);' ||
  die "tool_each's wrapper does not check its retained argument off a G for a foreign heap"
# retention=full with a foreign heap that keeps dead objects: a foreign
# caller's data pointers are lent first, so the exported function of a
# function with data pointers tests the flag on its way to the real one;
# one without (tool_generic: a callback and an int) does not.
grep -F -A3 'if (cgosan_gen_foreign_lending()) {' out/tools.c | tr -s ' \n' ' ' |
  grep -Fq 'if (cgosan_gen_foreign_lending()) { cgosan_lend((const void *)arg0, "tool_each", 0); cgosan_lend((const void *)arg3, "tool_each", 3); }' ||
  die "tool_each's wrapper does not lend its data pointers off a G"
grep -F -A2 '(tool_each)(cgosan_t_tool_each_0 arg0' out/tools.c |
  grep -Fq '!cgosan_gen_in_managed() && !cgosan_gen_foreign_lending()) {' ||
  die "tool_each's exported function skips its wrapper while foreign lending is on"
grep -F -A2 '(tool_generic)(cgosan_t_tool_generic_0 arg0' out/tools.c |
  grep -Fq '!cgosan_gen_in_managed()) {' ||
  die "tool_generic's exported function tests foreign lending, with no data pointer"
grep -Fq 'static const char *const cgosan_model_until_tool_each_0[] = {"tool_length", NULL};' out/tools.c ||
  die "no until list for tool_each"
grep -F -A1 'cgosan_retention_end((const void *)(intptr_t)arg0, "tool_length");' out/tools.c |
  grep -Fq 'if (!cgosan_gen_in_managed())' ||
  die "tool_length's wrapper does not end retentions before the managed test"
# nocallback + blocks = no: the fast crossing, and the model's flag.
grep -Fq 'cgosan_cgocall_nocallback(cgosan_call_tool_length, &frame, "tool_length");' out/tools.c ||
  die "tool_length's wrapper does not cross with cgosan_cgocall_nocallback"
grep -Fq '{"tool_length", CGOSAN_GEN_NOCALLBACK | CGOSAN_GEN_NOESCAPE, NULL, 0, NULL, 0, cgosan_model_access_tool_length, 1}' out/tools.c ||
  die "tool_length's model entry is not nocallback and noescape"
[[ $(grep -c 'cgosan_cgocall_nocallback(' out/tools.c) == 1 ]] ||
  die "a function not annotated nocallback crosses with cgosan_cgocall_nocallback"
# noescape: each pointer argument lent with the promise, after its check.
grep -F -A1 'cgosan_check_arg_var((const void *)arg0, ' out/tools.c | grep -F '"tool_length"' -A1 |
  grep -Fq 'cgosan_gen_lend_noescape((const void *)arg0, "tool_length", 0);' ||
  die "tool_length's wrapper does not lend its argument with the noescape promise"
[[ $(grep -c 'cgosan_gen_lend_noescape(' out/tools.c) == 1 ]] ||
  die "a function not annotated noescape lends with the promise"
# slot and if result: the slot's value on every call, and the record taken
# back after the call when the result is not the one that keeps.
grep -Fq 'cgosan_check_retained_in_slot((const void *)arg2, (const void *)(intptr_t)arg4, (long long)(intptr_t)arg1, "tool_copy", 2, "tool_length", cgosan_model_until_tool_copy_0);' out/tools.c ||
  die "tool_copy's wrapper does not check its retention in its slot"
grep -F -A1 'if ((long long)frame.result != 0LL)' out/tools.c |
  grep -Fq 'cgosan_retention_failed((const void *)arg2, (const void *)(intptr_t)arg4, "tool_copy");' ||
  die "tool_copy's wrapper does not take back a failed call's retention"
grep -Fq '{2, 4, CGOSAN_GEN_NO_PARAM, 0LL, cgosan_model_until_tool_copy_0, 1, 1, 0LL},' out/tools.c ||
  die "tool_copy's retention row lacks its slot and result"
grep -Fq 'cgosan_retention_end_slot((const void *)(intptr_t)arg0, (long long)(intptr_t)arg1);' out/tools.c ||
  die "tool_each's wrapper does not end what its owner kept in the slot it rebinds"
echo "ok: access tables and records, retention check and end, nocallback crossing, noescape, slot, result, rebinds"
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

# What ld.so would only warn about, running the program unchecked, cgosan-run
# refuses (125): an --interpose that is missing, not a file, not an ELF
# shared object, not made by cgosan-gen, or at a path LD_PRELOAD cannot
# carry (ld.so splits it at spaces and colons); --lib without HOME; a
# --heap unknown, or whose library the program does not link.
expect_run_error() {  # MESSAGE ARGS...: cgosan-run ARGS exits 125 saying MESSAGE
  local message=$1; shift
  local err status=0
  err=$("$run" "$@" 2>&1) || status=$?
  [[ $status == 125 && $err == "cgosan-run: $message" ]] ||
    die "cgosan-run $*: status $status, expected 125 and 'cgosan-run: $message', got: $err"
  echo "ok: cgosan-run error: $err"
}
mkdir -p preload/dir.so 'preload/with space' preload/with:colon
echo 'not a library' >preload/text.so
cp out/tools.so 'preload/with space/tools.so'
cp out/tools.so preload/with:colon/tools.so
expect_run_error '--interpose preload/none.so: no such file' --interpose preload/none.so -- true
expect_run_error '--interpose preload/dir.so: not a regular file' --interpose preload/dir.so -- true
expect_run_error '--interpose preload/text.so: not an ELF shared object' --interpose preload/text.so -- true
expect_run_error '--interpose libtools.so: not an interposer made by cgosan-gen (it exports no cgosan_model_* symbol)' \
  --interpose libtools.so -- true
expect_run_error "--interpose preload/with space/tools.so: $work/preload/with space/tools.so holds a space or ':', where ld.so splits LD_PRELOAD; copy it to a path without them" \
  '--interpose=preload/with space/tools.so' -- true
expect_run_error "--interpose preload/with:colon/tools.so: $work/preload/with:colon/tools.so holds a space or ':', where ld.so splits LD_PRELOAD; copy it to a path without them" \
  --interpose preload/with:colon/tools.so -- true
expect_run_error '--heap nosuchgc: no such heap (known: bdwgc)' --heap nosuchgc -- true
expect_run_error '--heap bdwgc: true does not link libgc.so, the heap'"'"'s library' --heap bdwgc -- true
expect_run_error '--heap bdwgc: no program ./none' --heap bdwgc -- ./none
expect_run_error '--sarif preload/none/run.sarif: no such directory' --sarif preload/none/run.sarif -- true
expect_run_error "--sarif preload/dir.so: is a directory" --sarif preload/dir.so -- true
# A directory nobody, not even root, can create files in.
expect_run_error "--sarif /proc/run.sarif: cannot write the merged log: No such file or directory" \
  --sarif /proc/run.sarif -- true
status=0; "$run" --sarif out/exit3.sarif -- bash -c 'exit 3' 2>/dev/null || status=$?
[[ $status == 3 ]] || die "cgosan-run --sarif -- bash -c 'exit 3' exited $status"
python3 -c 'import json, sys; log = json.load(open(sys.argv[1])); assert log["runs"][0]["results"] == []' \
  out/exit3.sarif || die "cgosan-run --sarif: out/exit3.sarif is not a log with no results"
err=$(env -u HOME -u XDG_CACHE_HOME "$run" --lib zlib -- true 2>&1); status=$?
[[ $status == 125 && $err == 'cgosan-run: --lib: neither XDG_CACHE_HOME nor HOME is set: nowhere to cache interposers' ]] ||
  die "cgosan-run --lib without HOME: status $status: $err"
env -u HOME -u XDG_CACHE_HOME "$run" -- true || die "cgosan-run without HOME and without --lib failed"
echo "ok: cgosan-run: unpreloadable interposers and a missing HOME are refused"

# ldconfig is in /sbin, not on a non-root user's PATH: both tools use
# /sbin/ldconfig then (cgosan-run to find the soname, cgosan-gen to resolve it).
nosbin_path=$(dirname "$(command -v clang-19)"):/usr/bin:/bin
out=$(PATH=$nosbin_path XDG_CACHE_HOME=$work/cache-nosbin "$run" --lib zlib -- true 2>&1) ||
  die "cgosan-run --lib zlib without /sbin on PATH failed: $out"
out=$(PATH=$nosbin_path "$gen" tools.h --lib libz.so.1 -o out/nosbin.so 2>&1)
[[ $? == 1 && $out == *"libz.so.1: error: exports none of the"* ]] ||
  die "cgosan-gen --lib libz.so.1 without /sbin on PATH: $out"
echo "ok: ldconfig found in /sbin when PATH lacks it"

# A library the process loads with dlopen(RTLD_LOCAL), as python3 loads its
# extension modules' libraries, is not seen by dlsym(RTLD_NEXT): the wrapper
# finds the real function in the library itself. A function whose library is
# not loaded at all fails when it is called, and says why.
out=$("$run" --lib sqlite3 -- python3 -c \
  'import sqlite3; print(sqlite3.connect(":memory:").execute("select 1").fetchone())' 2>&1) ||
  die "python3's sqlite3 under cgosan-run --lib sqlite3 failed: $out"
[[ $out == "(1,)" ]] || die "python3's sqlite3 under cgosan-run --lib sqlite3 printed: $out"
out=$("$run" --interpose out/tools.so -- python3 -c \
  'import ctypes; ctypes.CDLL("./libtools.so"); print(ctypes.CDLL(None).tool_length(None))' 2>&1) ||
  die "tool_length of an RTLD_LOCAL libtools.so through the interposer failed: $out"
[[ $out == 0 ]] || die "tool_length of an RTLD_LOCAL libtools.so printed: $out"
status=0
out=$("$run" --interpose out/tools.so -- python3 -c \
  'import ctypes; print("loaded"); ctypes.CDLL(None).tool_length(None)' 2>&1) || status=$?
[[ $status == 134 && $out == "loaded"$'\n'"cgosan interposer: cannot call tool_length: no object loaded after the interposer defines it ("*"), and its library ($work/libtools.so) is not loaded in this process or does not define it"* ]] ||
  die "tool_length without libtools.so loaded: status $status, output: $out"
echo "ok: cgosan-run: the real functions of a library loaded with RTLD_LOCAL, or not loaded"
echo "run-interposer-tools: PASSED"
