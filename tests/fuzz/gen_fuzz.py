#!/usr/bin/python3
"""gen_fuzz.py — cgosan-gen's front end under Hypothesis: the annotation
parser (annotations.py) on random INI text, and the header front end
(header.py, then emit_c.py) on mutated real headers.

The property: an input is either taken (the C source is made) or refused
with a GenError whose text is one line naming what is wrong. Any other
exception is a bug in cgosan-gen. Inputs are built from the grammar's own
words (keys, parameter and function names, keywords, numbers) mixed with
any text, so that most reach the checks past the syntax.

Usage: gen_fuzz.py --seconds N --seeds DIR --work DIR (scripts/fuzz gen N;
Hypothesis keeps its caches under the work directory). The seeds
are .ini and .h files: each .ini is read as it is first, each .h is a base
for mutation beside the repository's test headers. Prints the number of
examples run; exits 1 with the failing input on a finding. The mutation
bases are the repository's test headers, zlib.h and sqlite3.h when
installed, and the seeds."""

import argparse
import glob
import os
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "interceptors", "gen"))
sys.dont_write_bytecode = True

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cgosan_gen import annotations, emit_c, header  # noqa: E402
from cgosan_gen.errors import GenError  # noqa: E402

TEST_HEADERS = sorted(glob.glob(os.path.join(ROOT, "tests", "e2e", "interposed", "*.h")))
# Installed headers of the libraries the e2e tests interpose, where present.
SYSTEM_HEADERS = [h for h in ("/usr/include/zlib.h", "/usr/include/sqlite3.h")
                  if os.path.isfile(h)]
KEYS = list(annotations.KEYS)
WORDS = ["until", "by", "when", "==", "for", "read", "write", "none", "size", "or",
         "string", "fixed", "*", "yes", "no", "0", "1", "2", "-1", "0x10", "007",
         "18446744073709551616", "99999999999", "=", "[", "]", "#", ";"]
C_TOKENS = ["*", "(", ")", ";", ",", "{", "}", "[3]", "[]", "...", "void", "int", "char",
            "const", "volatile", "restrict", "struct s", "union u", "enum e",
            "typedef", "static", "inline", "extern", "long double", "__int128",
            "_Float16", "_BitInt(7)", "_Complex", "_Atomic", "__attribute__((noreturn))",
            "__attribute__((vector_size(32)))", "(*f)(void *)", "#define X", "#if 0",
            "#endif", "\\", "/*", "*/", "\xff", "\x00", "é"]

examples = 0


def write(directory, name, data):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_refusal(e):
    text = str(e)
    assert text and "\n" not in text.strip(), f"GenError is not one line: {text!r}"


def emit(functions, model, header_paths):
    emit_c.emit_interposer("libfuzz.so", header_paths, functions, model,
                           "cgosan_model_fuzz", ["libfuzz.so"])


# -- annotations -------------------------------------------------------------------
def ini_lines(names, params):
    word = st.sampled_from(WORDS + names + params) | st.text(max_size=8)
    value = st.lists(word, max_size=8).map(" ".join)
    section = st.sampled_from(names + ["", "nope", "a b"]).map(lambda n: f"[{n}]")
    entry = st.tuples(st.sampled_from(KEYS) | st.text(max_size=6), value).map(
        lambda kv: f"{kv[0]} = {kv[1]}")
    line = section | entry | st.sampled_from(["", "# c", "; c", "  "]) | st.text(max_size=20)
    return st.lists(line, max_size=12).map("\n".join)


def annotation_test(base_header, base_functions):
    names = [fn.name for fn in base_functions]
    params = [p.name for fn in base_functions for p in fn.params if p.name]

    @settings(max_examples=50, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=ini_lines(names, params), raw=st.binary(max_size=64), use_raw=st.booleans())
    def test(text, raw, use_raw):
        global examples
        examples += 1
        data = raw if use_raw else text.encode("utf-8", "surrogatepass")
        run_annotations(data, base_header, base_functions)

    return test


def run_annotations(data, base_header, base_functions):
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "fuzz.ini", data)
        try:
            model = annotations.LibraryModel.read(path)
            model.resolve({fn.name: fn for fn in base_functions})
        except GenError as e:
            check_refusal(e)
            return
        emit(base_functions, model, [base_header])


# -- headers -----------------------------------------------------------------------
def mutated(lines):
    """A strategy of header texts: lines deleted, repeated, or with tokens put in."""
    @st.composite
    def make(draw):
        out = list(lines)
        for _ in range(draw(st.integers(1, 4))):
            if not out:
                break
            i = draw(st.integers(0, len(out) - 1))
            op = draw(st.integers(0, 3))
            if op == 0:
                del out[i:i + draw(st.integers(1, 5))]
            elif op == 1:
                out.insert(i, out[draw(st.integers(0, len(out) - 1))])
            elif op == 2:
                words = out[i].split(" ")
                j = draw(st.integers(0, len(words)))
                words.insert(j, draw(st.sampled_from(C_TOKENS) | st.text(max_size=4)))
                out[i] = " ".join(words)
            else:
                out[i] = out[i][:draw(st.integers(0, len(out[i])))]
        return "\n".join(out)
    return make()


def header_test(base_path):
    with open(base_path, encoding="utf-8") as f:
        lines = f.read().split("\n")

    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=mutated(lines))
    def test(text):
        global examples
        examples += 1
        run_header(text.encode("utf-8", "surrogatepass"))

    return test


def run_header(data):
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "fuzz.h", data)
        try:
            functions = header.parse_headers([path], [])
        except GenError as e:
            check_refusal(e)
            return
        emit(functions, annotations.LibraryModel(), [os.path.realpath(path)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--seeds", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    set_hypothesis_home_dir(os.path.join(args.work, ".hypothesis"))
    bases = TEST_HEADERS + SYSTEM_HEADERS + sorted(glob.glob(os.path.join(args.seeds, "*.h")))
    base_header = os.path.join(ROOT, "tests", "e2e", "interposed", "shbuf.h")
    base_functions = header.parse_headers([base_header], [])
    for seed in sorted(glob.glob(os.path.join(args.seeds, "*.ini"))):
        with open(seed, "rb") as f:
            run_annotations(f.read(), base_header, base_functions)
    tests = [annotation_test(base_header, base_functions)] + [header_test(b) for b in bases]
    end = time.monotonic() + args.seconds
    rounds = 0
    while time.monotonic() < end:
        tests[rounds % len(tests)]()
        rounds += 1
    print(f"gen_fuzz: {examples} examples in {args.seconds} s, no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
