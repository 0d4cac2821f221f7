"""library.py — which functions a shared library exports.

A LIBRARY argument is a path, or a soname (libsqlite3.so.0) that `ldconfig -p`
resolves. Exports are the defined function symbols of the dynamic symbol
table, read with binutils' `nm -D --defined-only` (versions stripped:
crc32@@ZLIB_1.2.0 is crc32).
"""

import os
import shutil
import subprocess

from .errors import GenError

FUNCTION_SYMBOL_TYPES = {"T", "W", "i"}
MSG_NOT_FOUND = "no such library (not a path, and `ldconfig -p` does not list it)"
MSG_NM_FAILED = "cannot read its dynamic symbols with `nm -D`: {}"


def resolve_library(library):
    """The path of LIBRARY (a path, or a soname known to ldconfig)."""
    if "/" in library:
        if not os.path.isfile(library):
            raise GenError(MSG_NOT_FOUND, library)
        return os.path.realpath(library)
    # ldconfig is in /sbin, which a non-root user's PATH often lacks.
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        out = ""
    for line in out.splitlines():
        name, _, path = line.strip().partition(" => ")
        if name.split(" ", 1)[0] == library and "x86-64" in name:
            return path.strip()
    raise GenError(MSG_NOT_FOUND, library)


def exported_functions(path):
    """Names of the functions the library at path exports."""
    try:
        out = subprocess.run(["nm", "-D", "--defined-only", path],
                             capture_output=True, text=True, check=True).stdout
    except OSError as e:
        raise GenError(MSG_NM_FAILED.format(e), path)
    except subprocess.CalledProcessError as e:
        raise GenError(MSG_NM_FAILED.format(e.stderr.strip()), path)
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in FUNCTION_SYMBOL_TYPES:
            names.add(fields[2].split("@", 1)[0])
    return names
