"""cli.py — `cgosan-gen HEADER... --lib LIBRARY [--annotations FILE] -o OUT.so
[--emit-c OUT.c]`: header(s) + library (+ annotations) → interposer.

Steps: parse the headers (header.py), keep the functions LIBRARY exports
(library.py), check the annotations against them (annotations.py), write the
C source (emit_c.py) and build it with the C compiler against libcgosan and
libffi. Every file is written to a temporary name beside its target and
renamed into place only when everything succeeded: a failed run leaves
nothing half-written. Errors print `FILE:LINE: error: ...` and exit 1;
functions that cannot be wrapped are skipped with a warning.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

from . import annotations, emit_c, header, library
from .errors import GenError

PROG = "cgosan-gen"
MSG_SKIPPED = "{path}:{line}: warning: {name} {reason}; not interposed (its calls are not checked)"
MSG_NOT_EXPORTED = "{path}:{line}: warning: {name} is not exported by {library}; skipped"
MSG_UNCHECKED_BY_VALUE = ("{path}:{line}: warning: parameter {param} of {name} is a struct "
                          "passed by value that holds pointers; they are not checked")
MSG_UNWRAPPED_CALLBACK = ("{path}:{line}: warning: parameter {param} of {name} is {problem}; "
                          "callbacks through it run unwrapped, as foreign code")
MSG_NONE_EXPORTED = "exports none of the {count} functions the header(s) declare"
MSG_COMPILE_FAILED = "the C compiler failed on the generated interposer:\n{log}"
MSG_DOES_NOT_COMPILE = "makes C the compiler rejects ({})"
MSG_NO_CC = "cannot run the C compiler `{cc}` (set CC to one that is installed)"
MSG_BAD_CC = "cannot read CC=`{cc}`: {why}"
MSG_OUTPUT_EMPTY = "{option} needs a file name, not an empty string"
MSG_OUTPUT_IS_DIR = "{option} names a directory, not a file"
MSG_OUTPUT_NO_DIR = "{option}: no such directory {dir}"
MSG_OUTPUT_NOT_WRITABLE = "{option}: cannot write in {dir}"
MSG_OUTPUT_IS_INPUT = "{option} would overwrite {what}"
MSG_CANNOT_WRITE = "cannot write the output: {why}"
MSG_NO_RUNTIME = ("cannot find {what} under {where}; is cgosan installed there? "
                  "(--runtime-include / --runtime-lib override)")


def _install_layout():
    """(include dir, lib dir, dir of interposer_rt.c) of the installed cgosan,
    relative to this package: PREFIX/share/cgosan/gen/cgosan_gen/."""
    gen_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    prefix = os.path.normpath(os.path.join(gen_dir, "..", "..", ".."))
    return os.path.join(prefix, "include"), os.path.join(prefix, "lib"), gen_dir


def _arguments(argv):
    include_dir, lib_dir, _ = _install_layout()
    p = argparse.ArgumentParser(
        prog=PROG, description="Generate a cgosan LD_PRELOAD interposer from C headers.")
    p.add_argument("headers", nargs="+", metavar="HEADER")
    p.add_argument("--lib", required=True, metavar="LIBRARY",
                   help="the library (a path or a soname such as libsqlite3.so.0)")
    p.add_argument("--annotations", metavar="FILE", help="see docs/annotations.md")
    p.add_argument("-o", dest="output", required=True, metavar="OUT.so")
    p.add_argument("--emit-c", metavar="OUT.c", help="also keep the generated C source")
    p.add_argument("-I", dest="include", action="append", default=[], metavar="DIR",
                   help="include directory for parsing and building")
    p.add_argument("-D", dest="define", action="append", default=[], metavar="NAME[=VALUE]")
    p.add_argument("--runtime-include", default=include_dir, metavar="DIR",
                   help="where cgosan/cgosan.h is (default: PREFIX/include)")
    p.add_argument("--runtime-lib", default=lib_dir, metavar="DIR",
                   help="where libcgosan.so is (default: PREFIX/lib)")
    p.add_argument("-q", "--quiet", action="store_true", help="no warnings")
    return p.parse_args(argv)


def _model_symbol(library_path):
    stem = os.path.basename(library_path).split(".so", 1)[0]
    stem = re.sub(r"^lib", "", stem)
    return "cgosan_model_" + re.sub(r"\W", "_", stem)


def _select(functions, exported, library_path, warn):
    if not any((fn.symbol or fn.name) in exported for fn in functions):
        raise GenError(MSG_NONE_EXPORTED.format(count=len(functions)), library_path)
    wrapped = []
    for fn in functions:
        where = dict(path=fn.path, line=fn.line, name=fn.name)
        if (fn.symbol or fn.name) not in exported:
            warn(MSG_NOT_EXPORTED.format(library=library_path, **where))
        elif fn.skip_reason:
            warn(MSG_SKIPPED.format(reason=fn.skip_reason, **where))
        else:
            for p in fn.params:
                if p.unchecked_pointers:
                    warn(MSG_UNCHECKED_BY_VALUE.format(param=p.name or p.index, **where))
                if p.callback_problem:
                    warn(MSG_UNWRAPPED_CALLBACK.format(
                        param=p.name or p.index, problem=p.callback_problem, **where))
            wrapped.append(fn)
    return wrapped


def _check_runtime(args):
    if not os.path.isfile(os.path.join(args.runtime_include, "cgosan", "cgosan.h")):
        raise GenError(MSG_NO_RUNTIME.format(what="cgosan/cgosan.h", where=args.runtime_include))
    lib_dir = args.runtime_lib
    if not (os.path.isdir(lib_dir) and
            any(f.startswith("libcgosan.so") for f in os.listdir(lib_dir))):
        raise GenError(MSG_NO_RUNTIME.format(what="libcgosan.so", where=args.runtime_lib))


def _compiler():
    """The C compiler command: $CC (words, as make splits it), else cc."""
    try:
        cc = shlex.split(os.environ.get("CC") or "cc")
    except ValueError as e:
        raise GenError(MSG_BAD_CC.format(cc=os.environ.get("CC"), why=e))
    if not cc:  # CC made of blanks
        cc = ["cc"]
    if not shutil.which(cc[0]):
        raise GenError(MSG_NO_CC.format(cc=cc[0]))
    return cc


class _CompileFailed(GenError):
    def __init__(self, log, c_path):
        super().__init__(MSG_COMPILE_FAILED.format(log=log), c_path)
        self.log = log


def _compile(c_path, so_path, args, rt_dir, c_final_dir):
    cc = _compiler()
    cmd = [*cc, "-shared", "-fPIC", "-O2", "-g", "-fvisibility=hidden",
           f"-fdebug-prefix-map={os.path.dirname(c_path)}={c_final_dir}",
           "-fno-omit-frame-pointer", "-Wno-deprecated-declarations",
           f"-I{rt_dir}", f"-I{args.runtime_include}", "-I/usr/include/x86_64-linux-gnu",
           *(f"-I{d}" for d in args.include), *(f"-D{d}" for d in args.define),
           c_path, os.path.join(rt_dir, "interposer_rt.c"), "-o", so_path,
           f"-L{args.runtime_lib}", f"-Wl,-rpath,{os.path.abspath(args.runtime_lib)}",
           "-lcgosan", "-lffi", "-ldl", "-pthread"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise GenError(MSG_NO_CC.format(cc=f"{cc[0]}: {e.strerror}"))
    if proc.returncode != 0:
        raise _CompileFailed((proc.stdout + proc.stderr).strip(), c_path)


def _functions_in_errors(log, c_path, owners):
    """{function name: its first error} for the compiler errors in the
    generated file, or None when an error is elsewhere (the header itself, the
    shared part of the source, the link): then no function is to blame."""
    blamed = {}
    errors = 0
    for line in log.splitlines():
        m = re.match(r"(.*?):(\d+):(?:\d+:)? (?:fatal )?error: (.*)", line)
        if not m:
            continue
        errors += 1
        if os.path.abspath(m.group(1)) != os.path.abspath(c_path):
            return None
        number = int(m.group(2))
        users = [u for first, last, u in owners if first <= number < last]
        if not users:
            return None
        for name in users[0]:
            blamed.setdefault(name, m.group(3).strip())
    return blamed if errors else None


def _check_output(option, path, inputs):
    """The directory an output file goes to, once it is sure the file can be
    written there and is not one of the inputs (realpath -> what it is)."""
    if not path:
        raise GenError(MSG_OUTPUT_EMPTY.format(option=option))
    if path.endswith("/") or os.path.isdir(path):
        raise GenError(MSG_OUTPUT_IS_DIR.format(option=option), path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise GenError(MSG_OUTPUT_NO_DIR.format(option=option, dir=directory), path)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise GenError(MSG_OUTPUT_NOT_WRITABLE.format(option=option, dir=directory), path)
    what = inputs.get(os.path.realpath(path))
    if what:
        raise GenError(MSG_OUTPUT_IS_INPUT.format(option=option, what=what), path)
    return directory


def _check_outputs(args, library_path):
    """Refuses, before any work, outputs that cannot be written or that would
    overwrite an input (a header, the annotations, the library, each other)."""
    inputs = {os.path.realpath(h): "a header" for h in args.headers}
    if args.annotations:
        inputs[os.path.realpath(args.annotations)] = "the annotation file"
    inputs[os.path.realpath(library_path)] = "the library"
    so_dir = _check_output("-o", args.output, inputs)
    c_dir = None
    if args.emit_c is not None:
        inputs[os.path.realpath(args.output)] = "the -o output"
        c_dir = _check_output("--emit-c", args.emit_c, inputs)
    return so_dir, c_dir


def _write_outputs(make_source, args, rt_dir, so_dir, c_dir, warn):
    """Writes the C source and builds it in private directories beside the
    outputs, then renames both into place only when both were made: a failed
    run leaves neither. The debug info names the C file where --emit-c puts
    it. make_source(skipped) gives the source without the functions named in
    skipped, and which lines are whose: a function whose wrapper the compiler
    rejects is skipped with a warning and the rest is built again."""
    c_final = os.path.abspath(args.emit_c or os.path.splitext(args.output)[0] + ".c")
    works = []
    try:
        try:
            so_work = tempfile.mkdtemp(prefix=".cgosan-gen.", dir=so_dir)
            works.append(so_work)
            c_work = so_work
            if c_dir is not None and c_dir != so_dir:
                c_work = tempfile.mkdtemp(prefix=".cgosan-gen.", dir=c_dir)
                works.append(c_work)
        except OSError as e:
            raise GenError(MSG_CANNOT_WRITE.format(why=e.strerror), e.filename)
        c_tmp = os.path.join(c_work, os.path.basename(c_final))
        so_tmp = os.path.join(so_work, "interposer.so")
        skipped = {}
        while True:
            source, owners, functions = make_source(skipped)
            try:
                with open(c_tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(source)
            except OSError as e:
                raise GenError(MSG_CANNOT_WRITE.format(why=e.strerror), e.filename)
            try:
                _compile(c_tmp, so_tmp, args, rt_dir, os.path.dirname(c_final))
                break
            except _CompileFailed as e:
                blamed = _functions_in_errors(e.log, c_tmp, owners)
                if not blamed:
                    raise
                for fn in functions:
                    if fn.name in blamed:
                        warn(MSG_SKIPPED.format(
                            path=fn.path, line=fn.line, name=fn.name,
                            reason=MSG_DOES_NOT_COMPILE.format(blamed[fn.name])))
                skipped.update(blamed)
        try:
            os.chmod(so_tmp, 0o755)
            if args.emit_c is not None:
                os.replace(c_tmp, args.emit_c)
            os.replace(so_tmp, args.output)
        except OSError as e:
            raise GenError(MSG_CANNOT_WRITE.format(why=e.strerror), e.filename2 or e.filename)
    finally:
        for work in works:
            shutil.rmtree(work, ignore_errors=True)


def generate(args, warn):
    _, _, rt_dir = _install_layout()
    _check_runtime(args)
    library_path = library.resolve_library(args.lib)
    so_dir, c_dir = _check_outputs(args, library_path)
    lib_model = annotations.LibraryModel.read(args.annotations)
    clang_args = [f"-I{d}" for d in args.include] + [f"-D{d}" for d in args.define]
    functions = header.parse_headers(args.headers, clang_args)
    lib_model.resolve({fn.name: fn for fn in functions})
    wrapped = _select(functions, library.exported_functions(library_path), library_path, warn)
    headers = [os.path.realpath(h) for h in args.headers]
    names = [library_path] if "/" in args.lib else [args.lib, library_path]

    def make_source(skipped):
        kept = [fn for fn in wrapped if fn.name not in skipped]
        source, owners = emit_c.emit_interposer(args.lib, headers, kept, lib_model,
                                                _model_symbol(library_path), names)
        return source, owners, kept

    _write_outputs(make_source, args, rt_dir, so_dir, c_dir, warn)


def main(argv=None):
    args = _arguments(sys.argv[1:] if argv is None else argv)

    def warn(message):
        if not args.quiet:
            print(f"{PROG}: {message}", file=sys.stderr)

    try:
        generate(args, warn)
    except GenError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    return 0
