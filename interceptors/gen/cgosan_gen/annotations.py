"""annotations.py — the library model: what a header cannot say about its
functions (docs/annotations.md). This module is the one place that reads,
checks and emits it; the retention and race checkers read the C tables it
emits (the types are in interposer_rt.h).

The file is a small INI dialect, one section per function:

    [sqlite3_bind_text]
    retains = 2 until sqlite3_reset sqlite3_finalize sqlite3_clear_bindings when 4 == 0
    [sqlite3_exec]
    user_data = 3 for 2
    blocks = yes
    calls_back = yes
    [sqlite3_blob_read]
    access = 1 write size 2
    [sqlite3_value_int]
    nocallback = yes
    blocks = no
    [uv_async_send]
    thread_safe = yes

A parameter is named as the header names it, or by its 0-based index.

`noescape = yes` (Go 1.22's other promise: keeps none of the managed
pointers it receives) makes the wrapper lend every pointer argument with
cgosan_lend_noescape, so that retention=full names the broken promise; it
contradicts a `retains` line in the same section.

`nocallback = yes` (Go 1.22's promise: never calls back) together with
`blocks = no` makes the wrapper cross with cgosan_cgocall_nocallback, which
does not park the G: a collection waits for the call instead. Each of the
two promises alone changes nothing, so one without the other is an error,
as is `nocallback = yes` beside `calls_back = yes`.

Accesses are the memory each pointer argument hands to the callee, recorded
for the race checker before the call. Every data pointer has a default from
its type (default_access); an `access` line replaces it for one parameter. A
thread-safe function (`thread_safe = yes`: it synchronizes what it does to
its arguments itself) has no defaults, only its `access` lines.
The resolved list (defaults and overrides together) is the one source both
for the wrapper's calls and for the model's table: a wrapper records row i of
its function's table, so what is emitted is what runs.
"""

import re
from dataclasses import dataclass, field, replace

from .emit_c import c_string
from .errors import GenError
from .header import POINTEE_BYTES, POINTEE_CHAR, POINTEE_INCOMPLETE, POINTEE_OBJECT

MSG_SYNTAX = "expected `[function]`, `key = value`, or a comment"
MSG_OUTSIDE = "`{}` before any [function] section"
MSG_DUPLICATE = "[{}] appears twice (first at line {})"
MSG_UNKNOWN_KEY = "unknown key `{}` (known: {})"
MSG_BAD_BOOL = "`{}` takes yes or no, not `{}`"
MSG_NOCALLBACK_BLOCKS = ("`nocallback = yes` needs `blocks = no` in [{}]: a nocallback call "
                         "holds up every collection while it runs, so it must not block")
MSG_NOCALLBACK_CALLS_BACK = "`nocallback = yes` contradicts `calls_back = yes` (line {})"
MSG_BAD_RETAINS = ("`retains` takes: PARAM until FUNCTION... [by PARAM] "
                   "[when PARAM == INTEGER] [slot PARAM] [if result == INTEGER]")
MSG_RETAINS_BAD_SLOT = ("`retains ... slot` names parameter `{}` of {}, which is neither "
                        "a pointer nor an integer")
MSG_RETAINS_RESULT = ("`retains ... if result` needs an integer result; {} returns `{}`")
MSG_BAD_REBINDS = "`rebinds` takes: PARAM [by PARAM]"
MSG_REBINDS_NOT_HANDLE = ("`rebinds` names parameter `{}` of {}, which is neither a pointer "
                          "nor an integer")
MSG_NOESCAPE_RETAINS = ("`noescape = yes` contradicts `retains` (line {}): a function that "
                        "keeps an argument cannot promise to keep none")
MSG_RETAINS_NOT_POINTER = "`retains` names parameter `{}` of {}, which is not a data pointer"
MSG_RETAINS_BAD_OWNER = ("`retains ... by` names parameter `{}` of {}, which is neither "
                         "a pointer nor an integer (the handle the `until` calls take)")
MSG_UNTIL_NO_OWNER = ("`until` function {} takes no pointer or integer first argument "
                      "to be called with the handle")
MSG_BAD_USER_DATA = "`user_data` takes: PARAM for CALLBACK_PARAM"
MSG_NO_FUNCTION = "{} is not declared in the header(s)"
MSG_NO_PARAM = "{} has no parameter `{}` (it has {})"
MSG_NOT_CALLBACK = "parameter `{}` of {} is not a function pointer"
MSG_CANNOT_OPEN = "cannot read the annotation file: {}"
MSG_NOT_UTF8 = "the annotation file is not UTF-8 text (byte 0x{:02x})"
MSG_BAD_INTEGER = ("`{}` is not an INTEGER: write it in decimal without leading zeros, "
                   "or in hex with 0x")
MSG_INTEGER_RANGE = "`{}` does not fit in 64 bits"
MSG_COUNT_RANGE = "`{}` is too large (at most {})"
MSG_BAD_ACCESS = ("`access` takes: PARAM read|write|none "
                  "[size PARAM [* INTEGER] [or string] | fixed INTEGER | string]")
MSG_ACCESS_NOT_POINTER = "parameter `{}` of {} is not a data pointer"
MSG_ACCESS_TWICE = "parameter `{}` of {} already has an `access` (line {})"
MSG_COUNT_NOT_INTEGER = "the `size` of `{}` is parameter `{}` of {}, which is not an integer"
MSG_NO_ELEMENT_SIZE = ("`{}` counts elements of `{}`, which has no size (an incomplete "
                       "type); `{}` of {} can only be `none`")
MSG_STRING_NOT_CHAR = "`string` needs a pointer to characters; `{}` of {} points to `{}`"
MSG_OR_STRING_UNSIGNED = ("`or string` is for a count that may be negative; parameter "
                          "`{}` of {} is unsigned")
MSG_NO_DEFAULT_EXTENT = ("parameter `{}` of {} points to `{}`, whose extent is unknown: "
                         "say `size`, `fixed` or `string`")

MAX_ELEMENTS = 2**63 - 1  # a long long in the emitted table
BOOL_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
KEYS = ("retains", "user_data", "blocks", "calls_back", "thread_safe", "access",
        "nocallback", "noescape", "rebinds")
BOOL_KEYS = ("blocks", "calls_back", "thread_safe", "nocallback", "noescape")

_SECTION = re.compile(r"^\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]$")
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_RETAINS = re.compile(
    r"^(\S+)\s+until\s+([A-Za-z0-9_,\s]+?)"
    r"(?:\s+by\s+(\S+))?(?:\s+when\s+(\S+)\s*==\s*(-?(?:0x[0-9a-fA-F]+|\d+)))?"
    r"(?:\s+slot\s+(\S+))?(?:\s+if\s+result\s*==\s*(-?(?:0x[0-9a-fA-F]+|\d+)))?$")
_REBINDS = re.compile(r"^(\S+)(?:\s+by\s+(\S+))?$")
_USER_DATA = re.compile(r"^(\S+)\s+for\s+(\S+)$")
_ACCESS = re.compile(
    r"^(\S+)\s+(?:(none)|(read|write)"
    r"(?:\s+size\s+([^\s*]+)(?:\s*\*\s*([1-9]\d*))?(\s+or\s+string)?"
    r"|\s+fixed\s+([1-9]\d*)|\s+(string))?)$")


@dataclass
class Retention:
    param: int
    key: int
    until: tuple
    when_param: object  # int, or None: always
    when_value: int
    line: int
    slot: object = None  # int: the parameter saying where owner keeps it
    result_value: object = None  # int: the result of a call that kept it


@dataclass
class Rebind:
    """A call that keeps nothing but replaces what the owner (parameter
    `key`) kept in the slot parameter `slot` names (`rebinds`)."""
    slot: int
    key: int
    line: int


@dataclass
class UserData:
    param: int
    callback: int
    line: int


@dataclass(frozen=True)
class Access:
    """The memory parameter `param` hands to the callee: element_size bytes
    times `elements`, times the value of parameter count_param when it is
    not None; or, with `string`, the C string (strlen + 1). With
    string_if_negative, a negative count means the C string."""
    param: int
    write: bool
    elements: int
    element_size: int
    count_param: object = None
    string: bool = False
    string_if_negative: bool = False


def _c_long_long(value):
    """value as a C long long constant (the lowest one has no literal)."""
    return "(-9223372036854775807LL - 1)" if value == -2**63 else f"{value}LL"


def _is_handle(param):
    """Whether param can be the owner of a retention (the `by` parameter, an
    `until` function's first): a data pointer or an integer."""
    return param.pointee is not None or bool(param.integer)


def default_access(param):
    """What a pointer parameter hands over when no `access` line says
    (docs/annotations.md): one element of a sized pointee (the declared
    length of an array parameter), read when const, written otherwise; the C
    string of a `const char *`; nothing for void, character buffers,
    incomplete types, function pointers and non-pointers."""
    pointee = param.pointee
    if pointee is None:
        return None
    if pointee.kind == POINTEE_OBJECT:
        return Access(param.index, write=not pointee.is_const, elements=pointee.elements,
                      element_size=pointee.size)
    if pointee.kind == POINTEE_CHAR and pointee.is_const:
        return Access(param.index, write=False, elements=0, element_size=1, string=True)
    return None


@dataclass
class FunctionModel:
    name: str
    line: int
    blocks: object = None      # True/False as annotated; None: not said
    calls_back: object = None  # True/False as annotated; None: from the header
    thread_safe: bool = False
    nocallback: bool = False
    noescape: bool = False
    retains: list = field(default_factory=list)
    rebinds: list = field(default_factory=list)
    user_data: list = field(default_factory=list)
    access: dict = field(default_factory=dict)  # param -> (Access or None: `none`, line)


@dataclass
class _RawEntry:  # a key = value line, resolved against the header later
    key: str
    value: str
    line: int


class LibraryModel:
    """Annotations of one library, checked against its header's functions."""

    def __init__(self, path=None):
        self.path = path
        self.functions = {}  # name -> FunctionModel
        self._raw = {}       # name -> [_RawEntry]

    # -- reading ------------------------------------------------------------------
    @classmethod
    def read(cls, path):
        model = cls(path)
        if path is None:
            return model
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise GenError(MSG_CANNOT_OPEN.format(e.strerror), path)
        try:
            lines = data.decode("utf-8").splitlines()
        except UnicodeDecodeError as e:
            raise GenError(MSG_NOT_UTF8.format(data[e.start]), path,
                           data.count(b"\n", 0, e.start) + 1)
        current = None
        for number, text in enumerate(lines, 1):
            text = text.strip()
            if not text or text[0] in "#;":
                continue
            section = _SECTION.match(text)
            if section:
                name = section.group(1)
                if name in model.functions:
                    raise GenError(MSG_DUPLICATE.format(
                        name, model.functions[name].line), path, number)
                current = FunctionModel(name=name, line=number)
                model.functions[name] = current
                model._raw[name] = []
                continue
            kv = _KEY_VALUE.match(text)
            if not kv:
                raise GenError(MSG_SYNTAX, path, number)
            key, value = kv.group(1), kv.group(2).strip()
            if current is None:
                raise GenError(MSG_OUTSIDE.format(key), path, number)
            if key not in KEYS:
                raise GenError(MSG_UNKNOWN_KEY.format(key, ", ".join(KEYS)), path, number)
            model._raw[current.name].append(_RawEntry(key, value, number))
        return model

    # -- checking against the header -------------------------------------------------
    def resolve(self, declared):
        """Checks every annotation against `declared` (name -> header.Function)."""
        for name, fm in self.functions.items():
            fn = declared.get(name)
            if fn is None:
                raise GenError(MSG_NO_FUNCTION.format(name), self.path, fm.line)
            lines = {}  # key -> line of its last entry
            for raw in self._raw[name]:
                self._apply(fm, fn, raw, declared)
                lines[raw.key] = raw.line
            if fm.nocallback:
                self._check_nocallback(fm, lines)
            if fm.noescape and fm.retains:
                raise GenError(MSG_NOESCAPE_RETAINS.format(fm.retains[0].line),
                               self.path, lines["noescape"])

    def _check_nocallback(self, fm, lines):
        """`nocallback = yes` is the fast crossing's pair of promises: it
        needs `blocks = no` and cannot sit beside `calls_back = yes`."""
        line = lines["nocallback"]
        if fm.calls_back:
            raise GenError(MSG_NOCALLBACK_CALLS_BACK.format(lines["calls_back"]),
                           self.path, line)
        if fm.blocks is not False:
            raise GenError(MSG_NOCALLBACK_BLOCKS.format(fm.name), self.path,
                           lines.get("blocks", line))
        fm.calls_back = False

    def _param(self, fn, ref, line):
        params = fn.params
        if ref.isdigit() and int(ref) < len(params):
            return int(ref)
        for p in params:
            if p.name and p.name == ref:
                return p.index
        have = ", ".join(p.name or str(p.index) for p in params) or "none"
        raise GenError(MSG_NO_PARAM.format(fn.name, ref, have), self.path, line)

    def _apply(self, fm, fn, raw, declared):
        line = raw.line
        if raw.key in BOOL_KEYS:
            word = raw.value.lower()
            if word not in BOOL_WORDS:
                raise GenError(MSG_BAD_BOOL.format(raw.key, raw.value), self.path, line)
            setattr(fm, raw.key, BOOL_WORDS[word])
        elif raw.key == "retains":
            m = _RETAINS.match(raw.value)
            if not m:
                raise GenError(MSG_BAD_RETAINS, self.path, line)
            until = tuple(u for u in re.split(r"[\s,]+", m.group(2)) if u)
            for u in until:
                if u not in declared:
                    raise GenError(MSG_NO_FUNCTION.format(u), self.path, line)
            when_param = None
            if m.group(4):
                when_param = self._param(fn, m.group(4), line)
            param = self._param(fn, m.group(1), line)
            if fn.params[param].pointee is None:
                raise GenError(MSG_RETAINS_NOT_POINTER.format(m.group(1), fn.name),
                               self.path, line)
            key = self._param(fn, m.group(3) or "0", line)
            if not _is_handle(fn.params[key]):
                raise GenError(MSG_RETAINS_BAD_OWNER.format(m.group(3) or "0", fn.name),
                               self.path, line)
            for u in until:
                if not declared[u].params or not _is_handle(declared[u].params[0]):
                    raise GenError(MSG_UNTIL_NO_OWNER.format(u), self.path, line)
            slot = None
            if m.group(6):
                slot = self._param(fn, m.group(6), line)
                if not _is_handle(fn.params[slot]):
                    raise GenError(MSG_RETAINS_BAD_SLOT.format(m.group(6), fn.name),
                                   self.path, line)
            if m.group(7) and not fn.result_integer:
                raise GenError(MSG_RETAINS_RESULT.format(fn.name, fn.result_spelling),
                               self.path, line)
            fm.retains.append(Retention(
                param=param,
                key=key,
                until=until, when_param=when_param,
                when_value=self._when_value(m.group(5), line) if m.group(5) else 0,
                line=line, slot=slot,
                result_value=self._when_value(m.group(7), line) if m.group(7) else None))
        elif raw.key == "access":
            self._apply_access(fm, fn, raw.value, line)
        elif raw.key == "rebinds":
            m = _REBINDS.match(raw.value)
            if not m:
                raise GenError(MSG_BAD_REBINDS, self.path, line)
            refs = (m.group(1), m.group(2) or "0")
            slot, key = (self._param(fn, ref, line) for ref in refs)
            for ref, index in zip(refs, (slot, key)):
                if not _is_handle(fn.params[index]):
                    raise GenError(MSG_REBINDS_NOT_HANDLE.format(ref, fn.name),
                                   self.path, line)
            fm.rebinds.append(Rebind(slot, key, line))
        else:
            m = _USER_DATA.match(raw.value)
            if not m:
                raise GenError(MSG_BAD_USER_DATA, self.path, line)
            callback = self._param(fn, m.group(2), line)
            p = fn.params[callback]
            if not (p.callback or p.callback_problem):
                raise GenError(MSG_NOT_CALLBACK.format(m.group(2), fn.name),
                               self.path, line)
            fm.user_data.append(UserData(self._param(fn, m.group(1), line), callback, line))

    def _when_value(self, text, line):
        """The value of a `when` INTEGER: decimal or 0x hex, signed or not, in
        64 bits; emitted as the long long C compares with (0xffffffffffffffff
        is -1)."""
        digits = text.lstrip("-")
        if len(digits) > 1 and digits[0] == "0" and digits[1] not in "xX":
            raise GenError(MSG_BAD_INTEGER.format(text), self.path, line)
        value = int(text, 0)
        if not -2**63 <= value < 2**64:
            raise GenError(MSG_INTEGER_RANGE.format(text), self.path, line)
        return value - 2**64 if value >= 2**63 else value

    def _count(self, text, line):
        """A positive element count or factor (`fixed`, `* INTEGER`)."""
        value = int(text)
        if value > MAX_ELEMENTS:
            raise GenError(MSG_COUNT_RANGE.format(text, MAX_ELEMENTS), self.path, line)
        return value

    def _apply_access(self, fm, fn, value, line):
        m = _ACCESS.match(value)
        if not m:
            raise GenError(MSG_BAD_ACCESS, self.path, line)
        ref, none, mode = m.group(1, 2, 3)
        index = self._param(fn, ref, line)
        if index in fm.access:
            raise GenError(MSG_ACCESS_TWICE.format(ref, fn.name, fm.access[index][1]),
                           self.path, line)
        if fn.params[index].pointee is None:
            raise GenError(MSG_ACCESS_NOT_POINTER.format(ref, fn.name), self.path, line)
        access = None if none else self._access(fn, index, ref, mode == "write", m, line)
        fm.access[index] = (access, line)

    def _access(self, fn, index, ref, write, m, line):
        """The Access of a read/write line; m is its _ACCESS match."""
        count_ref, factor, or_string, fixed, string = m.group(4, 5, 6, 7, 8)
        pointee = fn.params[index].pointee

        def fail(message, *args):
            raise GenError(message.format(*args), self.path, line)

        if (string or or_string) and pointee.kind not in (POINTEE_CHAR, POINTEE_BYTES):
            fail(MSG_STRING_NOT_CHAR, ref, fn.name, pointee.spelling)
        if string:
            return Access(index, write, elements=0, element_size=1, string=True)
        if not (count_ref or fixed):
            default = default_access(fn.params[index])
            if default is None:
                fail(MSG_NO_DEFAULT_EXTENT, ref, fn.name, pointee.spelling)
            return replace(default, write=write)
        if pointee.kind == POINTEE_INCOMPLETE:
            fail(MSG_NO_ELEMENT_SIZE, "size" if count_ref else "fixed", pointee.spelling,
                 ref, fn.name)
        if fixed:
            return Access(index, write, elements=self._count(fixed, line),
                          element_size=pointee.size)
        count = self._param(fn, count_ref, line)
        integer = fn.params[count].integer
        if not integer:
            fail(MSG_COUNT_NOT_INTEGER, ref, count_ref, fn.name)
        if or_string and integer != "signed":
            fail(MSG_OR_STRING_UNSIGNED, count_ref, fn.name)
        return Access(index, write, elements=self._count(factor or "1", line),
                      element_size=pointee.size,
                      count_param=count, string_if_negative=bool(or_string))

    def accesses(self, fn):
        """The resolved accesses of fn, in parameter order: each parameter's
        `access` line, or its default (none for a thread-safe function)."""
        fm = self.functions.get(fn.name)
        overrides = fm.access if fm is not None else {}
        defaults = fm is None or not fm.thread_safe
        resolved = []
        for p in fn.params:
            if p.index in overrides:
                access = overrides[p.index][0]
            else:
                access = default_access(p) if defaults else None
            if access is not None:
                resolved.append(access)
        return resolved

    def nocallback(self, fn):
        """True when fn crosses with cgosan_cgocall_nocallback: annotated
        `nocallback = yes` (which resolve() allows only with `blocks = no`)."""
        fm = self.functions.get(fn.name)
        return fm is not None and fm.nocallback

    def noescape(self, fn):
        """True when fn promised to keep none of the managed pointers it
        receives (`noescape = yes`): its wrapper lends each pointer argument
        with cgosan_lend_noescape."""
        fm = self.functions.get(fn.name)
        return fm is not None and fm.noescape

    def retentions(self, fn):
        """fn's `retains` lines, in file order."""
        fm = self.functions.get(fn.name)
        return fm.retains if fm is not None else []

    @staticmethod
    def retention_condition(r):
        """The C condition under which a call retains (None: always), over
        the wrapper's parameters argN: the `when` parameter as a long long."""
        if r.when_param is None:
            return None
        return f"(long long)(intptr_t)arg{r.when_param} == {_c_long_long(r.when_value)}"

    @staticmethod
    def retention_failed_condition(r, result):
        """The C condition under which a call that was checked did not keep
        its argument after all (None: never): its result, the expression
        `result`, is not the `if result ==` value."""
        if r.result_value is None:
            return None
        return f"(long long){result} != {_c_long_long(r.result_value)}"

    @staticmethod
    def until_text(r):
        """The `until` calls as reports name them: the first in full, the
        others without the prefix they share with it up to an underscore
        (`sqlite3_reset/finalize/clear_bindings`)."""
        first = r.until[0]
        names = [first]
        for u in r.until[1:]:
            shared = 0
            while shared < min(len(u), len(first)) and u[shared] == first[shared]:
                shared += 1
            cut = u.rfind("_", 0, shared) + 1
            names.append(u[cut:] if cut < len(u) else u)
        return "/".join(names)

    def rebinds(self, fn):
        """fn's `rebinds` lines: each call ends what its owner kept in the
        slot (cgosan_retention_end_slot)."""
        fm = self.functions.get(fn.name)
        return fm.rebinds if fm is not None else []

    def ends_retentions(self, name):
        """Whether the function `name` is an `until` call of some `retains`."""
        return any(name in r.until for fm in self.functions.values() for r in fm.retains)

    @staticmethod
    def until_list(fn, i):
        """The name of the NULL-terminated array of fn's retains line i's
        `until` functions (the wrapper passes it; the model's row too)."""
        return f"cgosan_model_until_{fn.name}_{i}"

    def emit_until_lists(self, fn):
        """C source of fn's `until` arrays ("" if it retains nothing); they
        come before the wrapper that passes them."""
        out = []
        for i, r in enumerate(self.retentions(fn)):
            names = ", ".join(f'"{u}"' for u in r.until)
            out.append(f"static const char *const {self.until_list(fn, i)}[] = "
                       f"{{{names}, NULL}};\n")
        return "".join(out)

    @staticmethod
    def access_table(fn):
        """The name of fn's access table: row i is accesses(fn)[i]."""
        return f"cgosan_model_access_{fn.name}"

    def emit_access_table(self, fn):
        """C source of fn's access table ("" if it has none); it comes before
        the wrapper that records its rows."""
        rows = []
        for a in self.accesses(fn):
            flags = ["CGOSAN_GEN_ACCESS_WRITE"] if a.write else []
            if a.string:
                flags.append("CGOSAN_GEN_ACCESS_STRING")
            if a.string_if_negative:
                flags.append("CGOSAN_GEN_ACCESS_STRING_IF_NEGATIVE")
            count = "CGOSAN_GEN_NO_PARAM" if a.count_param is None else str(a.count_param)
            rows.append(f"  {{{a.param}, {' | '.join(flags) or '0'}, {count}, "
                        f"{a.elements}LL, {a.element_size}}},")
        if not rows:
            return ""
        return (f"static const cgosan_gen_access {self.access_table(fn)}[] = {{\n"
                + "\n".join(rows) + "\n};\n")

    # -- the C tables -----------------------------------------------------------------
    def emit_c(self, library, symbol, wrapped):
        """C source of the tables, ending in the exported `symbol`; `wrapped`
        are the header.Function objects the interposer wraps, in order. The
        access tables and `until` arrays are not here: emit_access_table and
        emit_until_lists put each before its wrapper."""
        out = ["/* The library model (cgosan_gen/annotations.py). */"]
        entries = []
        for fn in wrapped:
            fm = self.functions.get(fn.name)
            header_calls_back = any(p.callback or p.callback_problem for p in fn.params)
            calls_back = header_calls_back if fm is None or fm.calls_back is None \
                else fm.calls_back
            accesses = self.accesses(fn)
            if fm is None and not calls_back and not accesses:
                continue
            flags = []
            if fm is not None and fm.blocks:
                flags.append("CGOSAN_GEN_BLOCKS")
            if calls_back:
                flags.append("CGOSAN_GEN_CALLS_BACK")
            if fm is not None and fm.thread_safe:
                flags.append("CGOSAN_GEN_THREAD_SAFE")
            if self.nocallback(fn):
                flags.append("CGOSAN_GEN_NOCALLBACK")
            if self.noescape(fn):
                flags.append("CGOSAN_GEN_NOESCAPE")
            retains, user_data = "NULL", "NULL"
            if fm is not None and fm.retains:
                rows = []
                for i, r in enumerate(fm.retains):
                    until = self.until_list(fn, i)
                    when = "CGOSAN_GEN_NO_PARAM" if r.when_param is None else str(r.when_param)
                    slot = "CGOSAN_GEN_NO_PARAM" if r.slot is None else str(r.slot)
                    kept_if = r.result_value is not None
                    rows.append(f"  {{{r.param}, {r.key}, {when}, {_c_long_long(r.when_value)}, "
                                f"{until}, {slot}, {int(kept_if)}, "
                                f"{_c_long_long(r.result_value if kept_if else 0)}}},")
                retains = f"cgosan_model_retains_{fn.name}"
                out.append(f"static const cgosan_gen_retention {retains}[] = {{")
                out.extend(rows)
                out.append("};")
            if fm is not None and fm.user_data:
                user_data = f"cgosan_model_user_data_{fn.name}"
                out.append(f"static const cgosan_gen_user_data {user_data}[] = {{")
                out.extend(f"  {{{u.param}, {u.callback}}}," for u in fm.user_data)
                out.append("};")
            n_retains = len(fm.retains) if fm else 0
            n_user_data = len(fm.user_data) if fm else 0
            access = self.access_table(fn) if accesses else "NULL"
            entries.append(f'  {{"{fn.name}", {" | ".join(flags) or "0"}, {retains}, '
                           f"{n_retains}, {user_data}, {n_user_data}, {access}, "
                           f"{len(accesses)}}},")
        out.append("static const cgosan_gen_function_model cgosan_model_functions[] = {")
        out.extend(entries or ['  {"", 0, NULL, 0, NULL, 0, NULL, 0},'])
        out.append("};")
        out.append(f"__attribute__((visibility(\"default\"))) const cgosan_gen_library_model "
                   f"{symbol} = {{{c_string(library)}, cgosan_model_functions, {len(entries)}}};")
        return "\n".join(out) + "\n"
