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

A parameter is named as the header names it, or by its 0-based index.
"""

import re
from dataclasses import dataclass, field

from .errors import GenError

MSG_SYNTAX = "expected `[function]`, `key = value`, or a comment"
MSG_OUTSIDE = "`{}` before any [function] section"
MSG_DUPLICATE = "[{}] appears twice (first at line {})"
MSG_UNKNOWN_KEY = "unknown key `{}` (known: {})"
MSG_BAD_BOOL = "`{}` takes yes or no, not `{}`"
MSG_BAD_RETAINS = ("`retains` takes: PARAM until FUNCTION... [by PARAM] "
                   "[when PARAM == INTEGER]")
MSG_BAD_USER_DATA = "`user_data` takes: PARAM for CALLBACK_PARAM"
MSG_NO_FUNCTION = "{} is not declared in the header(s)"
MSG_NO_PARAM = "{} has no parameter `{}` (it has {})"
MSG_NOT_CALLBACK = "parameter `{}` of {} is not a function pointer"
MSG_CANNOT_OPEN = "cannot read the annotation file: {}"

BOOL_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
KEYS = ("retains", "user_data", "blocks", "calls_back")

_SECTION = re.compile(r"^\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]$")
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_RETAINS = re.compile(
    r"^(\S+)\s+until\s+([A-Za-z0-9_,\s]+?)"
    r"(?:\s+by\s+(\S+))?(?:\s+when\s+(\S+)\s*==\s*(-?(?:0x[0-9a-fA-F]+|\d+)))?$")
_USER_DATA = re.compile(r"^(\S+)\s+for\s+(\S+)$")


@dataclass
class Retention:
    param: int
    key: int
    until: tuple
    when_param: object  # int, or None: always
    when_value: int
    line: int


@dataclass
class UserData:
    param: int
    callback: int
    line: int


@dataclass
class FunctionModel:
    name: str
    line: int
    blocks: bool = False
    calls_back: object = None  # True/False as annotated; None: from the header
    retains: list = field(default_factory=list)
    user_data: list = field(default_factory=list)


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
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise GenError(MSG_CANNOT_OPEN.format(e.strerror), path)
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
            for raw in self._raw[name]:
                self._apply(fm, fn, raw, declared)

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
        if raw.key in ("blocks", "calls_back"):
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
            fm.retains.append(Retention(
                param=self._param(fn, m.group(1), line),
                key=self._param(fn, m.group(3) or "0", line),
                until=until, when_param=when_param,
                when_value=int(m.group(5), 0) if m.group(5) else 0, line=line))
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

    # -- the C tables -----------------------------------------------------------------
    def emit_c(self, library, symbol, wrapped):
        """C source of the tables, ending in the exported `symbol`; `wrapped`
        are the header.Function objects the interposer wraps, in order."""
        out = ["/* The library model (cgosan_gen/annotations.py). */"]
        entries = []
        for fn in wrapped:
            fm = self.functions.get(fn.name)
            header_calls_back = any(p.callback or p.callback_problem for p in fn.params)
            calls_back = header_calls_back if fm is None or fm.calls_back is None \
                else fm.calls_back
            if fm is None and not calls_back:
                continue
            flags = []
            if fm is not None and fm.blocks:
                flags.append("CGOSAN_GEN_BLOCKS")
            if calls_back:
                flags.append("CGOSAN_GEN_CALLS_BACK")
            retains, user_data = "NULL", "NULL"
            if fm is not None and fm.retains:
                rows = []
                for i, r in enumerate(fm.retains):
                    until = f"cgosan_model_until_{fn.name}_{i}"
                    names = ", ".join(f'"{u}"' for u in r.until)
                    out.append(f"static const char *const {until}[] = {{{names}, NULL}};")
                    when = "CGOSAN_GEN_NO_PARAM" if r.when_param is None else str(r.when_param)
                    rows.append(f"  {{{r.param}, {r.key}, {when}, {r.when_value}LL, {until}}},")
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
            entries.append(f'  {{"{fn.name}", {" | ".join(flags) or "0"}, {retains}, '
                           f"{n_retains}, {user_data}, {n_user_data}}},")
        out.append("static const cgosan_gen_function_model cgosan_model_functions[] = {")
        out.extend(entries or ['  {"", 0, NULL, 0, NULL, 0},'])
        out.append("};")
        out.append(f"__attribute__((visibility(\"default\"))) const cgosan_gen_library_model "
                   f'{symbol} = {{"{library}", cgosan_model_functions, {len(entries)}}};')
        return "\n".join(out) + "\n"
