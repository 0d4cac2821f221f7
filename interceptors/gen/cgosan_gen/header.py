"""header.py — what cgosan-gen learns from C headers, through libclang.

parse_headers() returns every function the headers declare (not those of
headers they include) with what a wrapper needs to know about each parameter:
  - whether its pointer is checked (design.md, rule 1): the whole object it
    points into when what it points to may hold a pointer (void *, T **,
    struct S * with a pointer field: a managed type built from the header's
    layout says so), not at all otherwise (char *, int *, incomplete structs),
    as cmd/cgo checks a pointer variable passed to C;
  - for a function pointer, the callback signature libffi needs;
  - for a data pointer, what it points to (Pointee: kind, size, const), from
    which annotations.py derives the memory the callee reads or writes; for
    an integer, its signedness (it may count the elements of such memory);
and why a function cannot be wrapped (variadic, no prototype, never returns),
so the caller can warn and skip it.
"""

import ctypes
import os
import re
from dataclasses import dataclass, field

from .errors import GenError

LIBCLANG_CANDIDATES = (
    "/usr/lib/llvm-19/lib/libclang-19.so.1",
    "/usr/lib/x86_64-linux-gnu/libclang-19.so.1",
    "/usr/lib/llvm-19/lib/libclang.so",
)
WORD = 8  # x86-64: a pointer slot is one aligned word

MSG_NO_CINDEX = ("cannot import clang.cindex (Debian: apt-get install "
                 "python3-clang-19)")
MSG_NO_LIBCLANG = "no libclang found (looked for {})"
MSG_UNINCLUDABLE = "this path cannot be written in an #include (a newline, or both \" and >)"
SKIP_VARIADIC = "is variadic: its arguments cannot be forwarded"
SKIP_NO_PROTOTYPE = "has no prototype"
SKIP_NORETURN = "never returns: a cgocall could not come back from it"
SKIP_DEFINED = ("is defined in the header (an inline definition): the interposer, which "
                "includes the header, cannot define it again")
SKIP_CALLING_CONV = ("uses the {} calling convention, not C's: the wrapper would call and "
                     "be called the wrong way")
SKIP_WIDE_VECTOR = ("passes a vector wider than 16 bytes by value, which the interposer "
                    "(built without -mavx) would receive and forward corrupted")
SKIP_VARIABLY_MODIFIED = ("has a parameter of variably modified type (`{}`), which the "
                          "wrapper cannot declare")
SKIP_NOT_UTF8 = "has text in its declaration that is not UTF-8, which libclang's binding cannot read"
SKIP_UNKNOWN_TYPE = ("has a parameter or result of a type libclang's Python binding does not "
                     "know (TypeKind {}, e.g. _Float16)")
CALLBACK_UNKNOWN_TYPE = ("a callback type with a parameter or result libclang's Python "
                         "binding does not know (TypeKind {})")
# `void (*)(void)` is C's generic function pointer (sqlite3_auto_extension,
# ffi_call, GLib's GCallback): the function behind it is cast back to its real
# type by the library, so a closure of the declared type would call it with
# garbage arguments and drop its result.
CALLBACK_GENERIC = ("`void (*)(void)`, a generic function pointer that does not say "
                    "the callback's real type")


def _cindex():
    try:
        import clang.cindex as ci
    except ImportError as e:
        raise GenError(MSG_NO_CINDEX) from e
    if not ci.Config.loaded:
        for path in LIBCLANG_CANDIDATES:
            if os.path.exists(path):
                ci.Config.set_library_file(path)
                break
        else:
            raise GenError(MSG_NO_LIBCLANG.format(", ".join(LIBCLANG_CANDIDATES)))
    return ci


@dataclass(frozen=True)
class ManagedType:
    """A cgosan_type emitted into the interposer."""
    c_name: str      # identifier of the emitted `static const cgosan_type`
    name: str        # shown in reports
    size: int
    ptr_words: tuple  # word indexes that are pointer slots

    @property
    def ptrdata(self):
        return (max(self.ptr_words) + 1) * WORD if self.ptr_words else 0


@dataclass(frozen=True)
class CallbackSig:
    c_name: str          # identifier of the emitted cgosan_gen_callback_sig
    spelling: str        # the function-pointer type, as written by clang
    result_ffi: str      # ffi_type_... of the result
    arg_ffis: tuple      # ffi_type_... of each argument
    result_spelling: str
    arg_spellings: tuple
    result_check: object  # None, "untyped", or a ManagedType


# Pointee kinds: what the memory behind a data pointer is, as far as the
# header says. Only OBJECT has a size of its own; CHAR is plain `char` (a C
# string when const); BYTES is signed/unsigned char (a buffer, not a string).
POINTEE_OBJECT = "object"
POINTEE_CHAR = "char"
POINTEE_BYTES = "bytes"
POINTEE_VOID = "void"
POINTEE_INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Pointee:
    kind: str            # one of POINTEE_*
    spelling: str        # the pointee type, for messages ("const struct buf")
    size: int            # bytes of one element: 1 for void and characters, 0 if incomplete
    is_const: bool
    elements: int = 1    # a parameter declared as an array of N: N


@dataclass
class Param:
    index: int
    name: str            # as declared ("" if unnamed)
    type_spelling: str
    is_array: bool = False  # declared as an array type (va_list): passed as a pointer
    element_spelling: str = ""  # of an array parameter declared as one (not a typedef)
    checked: bool = False  # cgosan_check_arg of the whole object (param_checked)
    # The pointee's cgosan_type when it holds pointers: what a checked
    # argument on a G stack, where there is no object, is checked as.
    stack_type: object = None
    callback: object = None  # CallbackSig, for a function pointer
    callback_problem: str = ""  # why a function pointer is passed unwrapped
    unchecked_pointers: bool = False  # a struct by value whose pointers go unchecked
    pointee: object = None  # Pointee, for a data pointer (or an array parameter)
    integer: str = ""  # "signed" / "unsigned", for an integer parameter


@dataclass
class Function:
    name: str
    path: str
    line: int
    result_spelling: str
    returns_void: bool
    params: list = field(default_factory=list)
    result_integer: str = ""  # "signed" / "unsigned" for an integer result
    skip_reason: str = ""
    symbol: str = ""     # the symbol it is exported as: name, or its __asm__ label


_FFI_INTS = {1: "8", 2: "16", 4: "32", 8: "64"}


class _Model:
    """Types and callback signatures, shared by all functions of one run."""

    def __init__(self, ci):
        self.ci = ci
        self.types = {}       # canonical spelling -> ManagedType or None
        self.callbacks = {}   # canonical spelling -> CallbackSig or str (problem)
        self.num_types = 0
        K = ci.TypeKind
        self.char_kinds = {K.VOID, K.CHAR_S, K.CHAR_U, K.SCHAR, K.UCHAR}
        self.signed_kinds = {K.CHAR_S, K.SCHAR, K.SHORT, K.INT, K.LONG, K.LONGLONG,
                             K.INT128, K.WCHAR}
        self.unsigned_kinds = {K.BOOL, K.CHAR_U, K.UCHAR, K.USHORT, K.UINT, K.ULONG,
                               K.ULONGLONG, K.UINT128, K.CHAR16, K.CHAR32}
        self.array_kinds = {K.CONSTANTARRAY, K.INCOMPLETEARRAY, K.VARIABLEARRAY,
                            K.DEPENDENTSIZEDARRAY}

    def _next_type_name(self):
        self.num_types += 1
        return f"cgosan_type_{self.num_types}"

    # -- layout: the pointer slots of a complete type ----------------------------
    def pointer_words(self, t, base, out):
        K = self.ci.TypeKind
        t = t.get_canonical()
        try:
            k = type_kind(t)
        except UnknownTypeKind:
            return  # a type the binding cannot name (_Float16): not a pointer
        if k == K.POINTER:
            if base % WORD == 0:
                out.add(base // WORD)
        elif k == K.RECORD:
            for f in t.get_fields():
                if f.is_bitfield():
                    continue
                offset_bits = f.get_field_offsetof()
                if offset_bits < 0:
                    continue
                self.pointer_words(f.type, base + offset_bits // 8, out)
        elif k == K.CONSTANTARRAY:
            elem = t.element_type
            size = elem.get_canonical().get_size()
            inner = set()
            self.pointer_words(elem, 0, inner)
            if inner and size > 0:
                for i in range(t.element_count):
                    for w in inner:
                        out.add(base // WORD + (i * size) // WORD + w)
        elif k == K.ELABORATED:
            self.pointer_words(t.get_named_type(), base, out)

    def holds_pointer(self, t):
        """Whether a value of type t has a pointer slot (none when incomplete)."""
        words = set()
        self.pointer_words(t, 0, words)
        return bool(words)

    def managed_type(self, pointee):
        """The cgosan_type of a complete pointee, None if it holds no pointer."""
        canon = pointee.get_canonical()
        key = canon.spelling.replace("const ", "").replace("volatile ", "")
        if key not in self.types:
            words = set()
            self.pointer_words(canon, 0, words)
            self.types[key] = None
            if words:
                self.types[key] = ManagedType(
                    c_name=self._next_type_name(), name=key,
                    size=canon.get_size(), ptr_words=tuple(sorted(words)))
        return self.types[key]

    def scalar_type(self, pointee):
        """A pointer-free cgosan_type: checks a result's pinning, not its bytes."""
        canon = pointee.get_canonical()
        key = "scalar " + canon.spelling.replace("const ", "")
        if key not in self.types:
            self.types[key] = ManagedType(
                c_name=self._next_type_name(),
                name=canon.spelling.replace("const ", ""),
                size=max(canon.get_size(), 1), ptr_words=())
        return self.types[key]

    # -- what a pointer check passes -------------------------------------------------
    def param_checked(self, t):
        """Whether a pointer parameter t (or one declared as an array: a
        pointer to its first element) is checked, as the whole object it
        points into. cmd/cgo checks an argument whose type may reach a pointer
        (needsPointerCheck: a void *, or a pointee that holds a pointer) and,
        for a pointer variable, checks the whole object (cgoCheckUnknownPointer);
        `&x.f` and `&a[i]` narrow it, but a wrapper sees only the value, so it
        is a variable. A pointee without pointers (characters, integers, an
        incomplete struct, which cgo makes a [0]byte) is not checked."""
        K = self.ci.TypeKind
        t = t.get_canonical()
        if type_kind(t) in self.array_kinds:
            pointee = t.element_type.get_canonical()
        elif type_kind(t) == K.POINTER:
            pointee = t.get_pointee().get_canonical()
        else:
            return False
        return type_kind(pointee) == K.VOID or self.holds_pointer(pointee)

    def stack_type(self, t):
        """The ManagedType of what a checked pointer (or array) parameter t
        points to, None for void or an element without pointers."""
        K = self.ci.TypeKind
        t = t.get_canonical()
        pointee = (t.element_type if type_kind(t) in self.array_kinds
                   else t.get_pointee()).get_canonical()
        if type_kind(pointee) == K.VOID:
            return None
        return self.managed_type(pointee)

    def result_check(self, t):
        """None (not checked), "untyped", or a ManagedType, for the pointer
        type t a callback returns."""
        K = self.ci.TypeKind
        pointee = t.get_canonical().get_pointee().get_canonical()
        if type_kind(pointee) in self.char_kinds:
            return "untyped"
        if type_kind(pointee) in (K.FUNCTIONPROTO, K.FUNCTIONNOPROTO):
            return None
        if type_kind(pointee) == K.RECORD and pointee.get_size() < 0:
            return "untyped"  # incomplete: an opaque handle, or unknown
        return self.managed_type(pointee) or self.scalar_type(pointee)

    # -- what the callee may access -------------------------------------------------
    def pointee(self, t):
        """The Pointee of a data pointer or array type t, None for anything
        else (function pointers included)."""
        K = self.ci.TypeKind
        t = t.get_canonical()
        elements = 1
        if type_kind(t) == K.POINTER:
            target = t.get_pointee()
        elif type_kind(t) in self.array_kinds:
            target = t.element_type
            if type_kind(t) == K.CONSTANTARRAY:
                elements = t.element_count
        else:
            return None
        canon = target.get_canonical()
        if type_kind(canon) in (K.FUNCTIONPROTO, K.FUNCTIONNOPROTO):
            return None
        if type_kind(canon) in (K.CHAR_S, K.CHAR_U):
            kind, size = POINTEE_CHAR, 1
        elif type_kind(canon) in (K.SCHAR, K.UCHAR):
            kind, size = POINTEE_BYTES, 1
        elif type_kind(canon) == K.VOID:
            kind, size = POINTEE_VOID, 1
        elif canon.get_size() <= 0:
            kind, size = POINTEE_INCOMPLETE, 0
        else:
            kind, size = POINTEE_OBJECT, canon.get_size()
        return Pointee(kind=kind, spelling=target.spelling, size=size,
                       is_const=canon.is_const_qualified(), elements=elements)

    def integer(self, t):
        """"signed" or "unsigned" for an integer type (not bool), else ""."""
        k = type_kind(t.get_canonical())
        if k == self.ci.TypeKind.BOOL:
            return ""
        if k in self.signed_kinds:
            return "signed"
        return "unsigned" if k in self.unsigned_kinds else ""

    # -- callbacks ------------------------------------------------------------------
    def ffi_type(self, t):
        K = self.ci.TypeKind
        t = t.get_canonical()
        if type_kind(t) == K.ENUM:
            t = t.get_declaration().enum_type.get_canonical()
        if type_kind(t) == K.VOID:
            return "ffi_type_void"
        if type_kind(t) == K.POINTER:
            return "ffi_type_pointer"
        if type_kind(t) == K.FLOAT:
            return "ffi_type_float"
        if type_kind(t) == K.DOUBLE:
            return "ffi_type_double"
        if type_kind(t) == K.LONGDOUBLE:
            return "ffi_type_longdouble"
        bits = _FFI_INTS.get(t.get_size())
        if bits and type_kind(t) in self.signed_kinds:
            return f"ffi_type_sint{bits}"
        if bits and type_kind(t) in self.unsigned_kinds:
            return f"ffi_type_uint{bits}"
        return None

    def callback_sig(self, fnptr):
        """A CallbackSig for a function-pointer type, or a str: why not."""
        key = fnptr.get_canonical().spelling
        if key not in self.callbacks:
            try:
                self.callbacks[key] = self._callback_sig(fnptr, key)
            except (UnknownTypeKind, ValueError) as e:
                kind_id = unknown_kind_id(e)
                if kind_id is None:
                    raise
                self.callbacks[key] = CALLBACK_UNKNOWN_TYPE.format(kind_id)
        return self.callbacks[key]

    def _callback_sig(self, fnptr, key):
        K = self.ci.TypeKind
        canon = fnptr.get_canonical()
        proto = canon.get_pointee().get_canonical()
        sig = None
        if type_kind(proto) != K.FUNCTIONPROTO:
            sig = "a callback type without a prototype"
        elif (type_kind(proto.get_result().get_canonical()) == K.VOID
              and not list(proto.argument_types())):
            sig = CALLBACK_GENERIC
        elif proto.is_function_variadic():
            sig = "a variadic callback type"
        else:
            result = self.ffi_type(proto.get_result())
            args = [self.ffi_type(a) for a in proto.argument_types()]
            if result is None or None in args:
                sig = "a callback type with a struct, union or vector by value"
            else:
                check = None
                if type_kind(proto.get_result().get_canonical()) == K.POINTER:
                    check = self.result_check(proto.get_result())
                sig = CallbackSig(
                    c_name=f"cgosan_sig_{len(self.callbacks)}", spelling=key,
                    result_ffi=result, arg_ffis=tuple(args),
                    result_spelling=proto.get_result().spelling,
                    arg_spellings=tuple(a.spelling for a in proto.argument_types()),
                    result_check=check)
        return sig


# "Never returns" is what clang decides, read from its AST, never a substring
# of the declaration's text (a `deprecated("... noreturn")` message, a
# `noreturn_code_t` result, a noreturn callback parameter are not it). Clang
# records it in two places: the function type (`__attribute__((noreturn))`,
# wherever written: FunctionType::ExtInfo, printed after the parameter list),
# and a declaration attribute (`_Noreturn`, `[[noreturn]]`), which libclang
# exposes only as an unnamed UNEXPOSED_ATTR, so it is read from clang's own
# printing of the declaration (clang_getCursorPrettyPrinted), where it is
# spelled one way whatever macro wrote it.
_TYPE_NORETURN = " __attribute__((noreturn))"
_DECL_NORETURN = re.compile(
    r"(?<![\w])(?:_Noreturn|\[\[\s*(?:_Noreturn|noreturn|__noreturn__)\s*\]\])")
_C_LITERAL = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


class _CXString(ctypes.Structure):
    _fields_ = [("spelling", ctypes.c_char_p), ("free", ctypes.c_int)]


def _pretty_printed(ci, cursor):
    """clang's printing of the declaration at cursor (bytes decoded with
    replacement: attribute strings need not be UTF-8), "" if this libclang
    cannot print it. Private function objects (lib[name]), so the binding's
    own declarations of these functions are left as they are."""
    lib = ci.conf.lib
    try:
        get_policy = lib["clang_getCursorPrintingPolicy"]
        print_decl = lib["clang_getCursorPrettyPrinted"]
        get_cstring = lib["clang_getCString"]
        dispose_string = lib["clang_disposeString"]
        dispose_policy = lib["clang_PrintingPolicy_dispose"]
    except AttributeError:
        return ""
    get_policy.argtypes, get_policy.restype = [ci.Cursor], ctypes.c_void_p
    print_decl.argtypes, print_decl.restype = [ci.Cursor, ctypes.c_void_p], _CXString
    get_cstring.argtypes, get_cstring.restype = [_CXString], ctypes.c_char_p
    dispose_string.argtypes, dispose_string.restype = [_CXString], None
    dispose_policy.argtypes, dispose_policy.restype = [ctypes.c_void_p], None
    policy = get_policy(cursor)
    try:
        text = print_decl(cursor, policy)
        try:
            return (get_cstring(text) or b"").decode("utf-8", "replace")
        finally:
            dispose_string(text)
    finally:
        dispose_policy(policy)


def _type_never_returns(ftype):
    """Whether the function type ftype (canonical, with a prototype) carries
    noreturn. Clang prints it after the parameter list; a parameter's own
    noreturn (a callback that never returns) is inside the list."""
    spelling = ftype.spelling
    result = ftype.get_result().spelling
    args = [a.spelling for a in ftype.argument_types()]
    head = f"{result} ({', '.join(args) or 'void'})"
    if spelling.startswith(head):  # a result with no declarator part
        return _TYPE_NORETURN in spelling[len(head):]
    # A result such as a function pointer wraps the list: count instead.
    inner = sum(t.count(_TYPE_NORETURN) for t in [result, *args])
    return spelling.count(_TYPE_NORETURN) > inner


def _never_returns(ci, cursor, ftype):
    if _type_never_returns(ftype):
        return True
    if not any(child.kind.is_attribute() for child in cursor.get_children()):
        return False
    return bool(_DECL_NORETURN.search(_C_LITERAL.sub('""', _pretty_printed(ci, cursor))))


def include_line(path):
    """An #include of path, an absolute path: in quotes, or in angle brackets
    when it holds a quote (a header name has no escapes; a backslash is taken
    as it is). A path with a newline, or with both `"` and `>`, cannot be
    written."""
    if "\n" in path or ('"' in path and ">" in path):
        raise GenError(MSG_UNINCLUDABLE, path)
    if '"' not in path:
        return f'#include "{path}"\n'
    return f"#include <{path}>\n"


def parse_headers(headers, clang_args):
    """The functions the given headers declare, in declaration order."""
    ci = _cindex()
    paths = [os.path.realpath(h) for h in headers]
    for h, p in zip(headers, paths):
        if not os.path.isfile(p):
            raise GenError("no such header", h)
    unit = "cgosan-gen-input.c"
    source = "".join(include_line(p) for p in paths)
    try:
        tu = ci.Index.create().parse(
            unit, args=["-x", "c", "-std=gnu11", *clang_args],
            unsaved_files=[(unit, source)])  # bodies parsed: an inline one marks a definition
    except ci.TranslationUnitLoadError as e:
        raise GenError(f"libclang could not parse the headers: {e}", headers[0])
    for d in tu.diagnostics:
        if d.severity >= ci.Diagnostic.Error:
            loc = d.location
            path = loc.file.name if loc.file else headers[0]
            raise GenError(f"the header does not parse: {d.spelling}", path, loc.line)

    model = _Model(ci)
    wanted = set(paths)
    functions, seen = [], set()
    # Functions the headers define (C99 inline definitions): the interposer
    # includes the header, so it cannot define them again.
    defined = {c.spelling for c in tu.cursor.get_children()
               if c.kind == ci.CursorKind.FUNCTION_DECL and c.is_definition()}
    for cursor in tu.cursor.get_children():
        if cursor.kind != ci.CursorKind.FUNCTION_DECL or not cursor.location.file:
            continue
        path = os.path.realpath(cursor.location.file.name)
        if path not in wanted or cursor.spelling in seen:
            continue
        if cursor.is_definition() or cursor.storage_class == ci.StorageClass.STATIC:
            continue  # inline or static in the header: nothing to interpose
        seen.add(cursor.spelling)
        try:
            functions.append(_function(ci, model, cursor, path, cursor.spelling in defined))
        except UnicodeDecodeError:
            functions.append(_skipped(cursor, path, SKIP_NOT_UTF8))
        except (UnknownTypeKind, ValueError) as e:
            kind_id = unknown_kind_id(e)
            if kind_id is None:
                raise
            functions.append(_skipped(cursor, path, SKIP_UNKNOWN_TYPE.format(kind_id)))
    return functions


class UnknownTypeKind(Exception):
    """A type whose kind this libclang binding has no name for (_Float16,
    __bf16, _BitInt...): nothing is known of how to check or pass it."""

    def __init__(self, kind_id):
        super().__init__(kind_id)
        self.kind_id = kind_id


def unknown_kind_id(e):
    """The kind number when e says a type's kind is unknown to the binding
    (UnknownTypeKind, or the binding's own ValueError "N is not a valid
    TypeKind" from inside its methods), else None."""
    if isinstance(e, UnknownTypeKind):
        return e.kind_id
    m = re.match(r"(-?\d+) is not a valid TypeKind", str(e))
    return int(m.group(1)) if m and not isinstance(e, UnicodeError) else None


def type_kind(t):
    """t.kind, or UnknownTypeKind for a kind the binding does not know (its
    TypeKind.from_id raises ValueError)."""
    try:
        return t.kind
    except ValueError:
        raise UnknownTypeKind(t._kind_id) from None


def _skipped(cursor, path, reason):
    return Function(name=cursor.spelling, path=path, line=cursor.location.line,
                    result_spelling="", returns_void=True, skip_reason=reason,
                    symbol=cursor.spelling)


# clang_getFunctionTypeCallingConv (not in the Python binding): CXCallingConv_
# Default and _C are what a plain C definition has; names for the others.
_CC_C = (0, 1)
_CC_NAMES = {2: "stdcall", 3: "fastcall", 4: "thiscall", 5: "pascal", 6: "aapcs",
             7: "aapcs-vfp", 8: "x86_regcall", 9: "intel_ocl_bicc", 10: "ms_abi",
             11: "sysv_abi", 12: "vectorcall", 13: "swiftcall", 14: "preserve_most",
             15: "preserve_all", 16: "aarch64_vector_pcs", 17: "swiftasynccall",
             18: "preserve_none", 19: "riscv_vector_cc"}


def _calling_conv(ci, ftype):
    f = ci.conf.lib["clang_getFunctionTypeCallingConv"]
    f.argtypes, f.restype = [ci.Type], ctypes.c_int
    return f(ftype)


def _symbol(cursor):
    """The name the function is exported as: its __asm__ label if it has one
    (libclang's mangling of a C function; a leading \\x01 marks a verbatim label)."""
    mangled = cursor.mangled_name or cursor.spelling
    return mangled.lstrip("\x01") or cursor.spelling


def _wide_vector(ci, t):
    """Whether the value type t holds a vector wider than 16 bytes (passed in
    AVX registers or memory, depending on -mavx)."""
    K = ci.TypeKind
    t = t.get_canonical()
    k = type_kind(t)
    if k in (K.VECTOR, K.EXTVECTOR):
        return t.get_size() > 16
    if k == K.RECORD:
        return any(_wide_vector(ci, f.type) for f in t.get_fields())
    if k == K.CONSTANTARRAY:
        return _wide_vector(ci, t.element_type)
    return False


def _variably_modified(ci, t):
    """Whether the type t involves an array whose length is an expression
    (`int (*)[n]`), which only the declaration's own scope can spell."""
    K = ci.TypeKind
    t = t.get_canonical()
    k = type_kind(t)
    if k in (K.VARIABLEARRAY, K.DEPENDENTSIZEDARRAY):
        return True
    if k == K.POINTER:
        return _variably_modified(ci, t.get_pointee())
    if k in (K.CONSTANTARRAY, K.INCOMPLETEARRAY):
        return _variably_modified(ci, t.element_type)
    return False


def _cannot_express(ci, model, cursor, ftype, defined):
    """Why the generated C could not wrap this function faithfully, or ""."""
    K = ci.TypeKind
    if defined:
        return SKIP_DEFINED
    conv = _calling_conv(ci, ftype)
    if conv not in _CC_C:
        return SKIP_CALLING_CONV.format(_CC_NAMES.get(conv, f"#{conv}"))
    if _wide_vector(ci, ftype.get_result()) or any(
            _wide_vector(ci, a.type) for a in cursor.get_arguments()):
        return SKIP_WIDE_VECTOR
    for arg in cursor.get_arguments():
        canon = arg.type.get_canonical()
        # An array parameter is a pointer to its element: `int a[n]` is fine.
        inner = canon.element_type if type_kind(canon) in model.array_kinds else canon
        if type_kind(canon) == K.POINTER or type_kind(canon) in model.array_kinds:
            if _variably_modified(ci, inner):
                return SKIP_VARIABLY_MODIFIED.format(arg.type.spelling)
    return ""


def _function(ci, model, cursor, path, defined):
    K = ci.TypeKind
    # The canonical type: a function declared through a typedef of a function
    # type (`typedef int fn_t(int); fn_t f;`) has the typedef as its type.
    ftype = cursor.type.get_canonical()
    result = cursor.result_type  # as declared (typedef names kept)
    fn = Function(name=cursor.spelling, path=path, line=cursor.location.line,
                  result_spelling=result.spelling,
                  returns_void=type_kind(result.get_canonical()) == K.VOID,
                  symbol=_symbol(cursor))
    fn.result_integer = model.integer(result)
    if type_kind(ftype) == K.FUNCTIONNOPROTO:
        fn.skip_reason = SKIP_NO_PROTOTYPE
        return fn
    if ftype.is_function_variadic():
        fn.skip_reason = SKIP_VARIADIC
    elif _never_returns(ci, cursor, ftype):
        fn.skip_reason = SKIP_NORETURN
    else:
        fn.skip_reason = _cannot_express(ci, model, cursor, ftype, defined)
    for i, arg in enumerate(cursor.get_arguments()):
        canon = arg.type.get_canonical()
        p = Param(index=i, name=arg.spelling, type_spelling=arg.type.spelling,
                  is_array=type_kind(canon) in model.array_kinds)
        if p.is_array and type_kind(arg.type) in model.array_kinds:
            p.element_spelling = arg.type.element_type.spelling
        if type_kind(canon) == K.POINTER and type_kind(
                canon.get_pointee().get_canonical()) in (K.FUNCTIONPROTO, K.FUNCTIONNOPROTO):
            sig = model.callback_sig(arg.type)
            if isinstance(sig, str):
                p.callback_problem = sig
            else:
                p.callback = sig
        else:
            p.checked = model.param_checked(arg.type)
            p.pointee = model.pointee(arg.type)
            if p.checked:
                p.stack_type = model.stack_type(arg.type)
        p.integer = model.integer(arg.type)
        if type_kind(canon) == K.RECORD:
            p.unchecked_pointers = model.holds_pointer(canon)
        fn.params.append(p)
    return fn
