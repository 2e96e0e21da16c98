"""A YAML writer that reproduces sigs.k8s.io/yaml's output byte for byte, for JSON-shaped data.

Upstream writes ConformanceReports with sigs.k8s.io/yaml: the report is marshalled to JSON, read back and
handed to its go-yaml v2 emitter. PyYAML's emitter differs in many details (indented sequences, its own
quoting and line folding), so reports meant to sit next to upstream's are written by this module, which
restates that emitter's behaviour: keys sorted, sequences under a mapping key not indented, a string
double-quoted only when YAML 1.1 would read it as something else, single-quoted when it cannot be plain,
literal blocks for multi-line text, and long scalars folded at spaces past column 80. Checked against the
Go library on randomised input; the one known difference is text containing the rare line separators
NEL, LS or PS, which go-yaml breaks into lines in a way this module does not copy.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_BEST_WIDTH = 80
_INDENT = 2
# Plain scalars YAML 1.1 reads as bool, null or a special float.
_NON_STRINGS = frozenset(
    {
        *("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"),
        *("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
        *("", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN"),
        *(".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"),
    }
)
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})| (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?)?"
)
_BREAKS = "\r\n\x85\u2028\u2029"
_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e"}
_ESCAPES |= {'"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def dump(data: Mapping[str, Any]) -> str:
    """YAML text for a JSON-shaped mapping, as sigs.k8s.io/yaml writes it."""
    out = _Out()
    _mapping(out, data, 0, inline=False)
    if out.column > 0:
        out.newline()
    return "".join(out.parts)


@dataclass(slots=True)
class _Out:
    parts: list[str] = field(default_factory=list)
    column: int = 0

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.column += len(text)

    def line(self, indent: int) -> None:
        """Start a line at ``indent`` unless the current line is still empty."""
        if self.column > 0:
            self.parts.append("\n")
            self.column = 0
        self.put(" " * indent)

    def newline(self) -> None:
        self.parts.append("\n")
        self.column = 0


def _mapping(out: _Out, data: Mapping[str, Any], indent: int, *, inline: bool) -> None:
    for index, key in enumerate(sorted(data, key=functools.cmp_to_key(_key_before))):
        if not (inline and index == 0):
            out.line(indent)
        out.put(_scalar_text(str(key)) + ":")
        _value(out, data[key], indent, in_mapping=True)


def _sequence(out: _Out, items: Sequence[Any], indent: int, *, inline: bool) -> None:
    for index, item in enumerate(items):
        if not (inline and index == 0):
            out.line(indent)
        out.put("-")
        _value(out, item, indent, in_mapping=False)


def _value(out: _Out, value: Any, indent: int, *, in_mapping: bool) -> None:
    """A node after ``key:`` (mapping at ``indent``) or ``-`` (sequence at ``indent``)."""
    if isinstance(value, Mapping) and value:
        if in_mapping:
            _mapping(out, value, indent + _INDENT, inline=False)
        else:
            out.put(" ")
            _mapping(out, value, indent + _INDENT, inline=True)
    elif isinstance(value, list | tuple) and value:
        if in_mapping:
            _sequence(out, value, indent, inline=False)  # flush with the key: go-yaml's "indentless" sequence
        else:
            out.put(" ")
            _sequence(out, value, indent + _INDENT, inline=True)
    elif isinstance(value, Mapping):
        out.put(" {}")
    elif isinstance(value, list | tuple):
        out.put(" []")
    elif value is None or isinstance(value, bool):
        out.put(" " + {None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        out.put(f" {value}")
    elif isinstance(value, str):
        _string(out, value, indent + _INDENT)
    else:
        raise TypeError(f"cannot write {type(value).__name__} {value!r} in a report")


def _key_before(a: str, b: str) -> int:
    """go-yaml's key order (a cmp function): letters by code point and after any other character; runs of
    digits compared by value, a shorter run first when equal."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x == y:
            continue
        if x.isalpha() and y.isalpha():
            return -1 if x < y else 1
        if x.isalpha() or y.isalpha():
            return 1 if x.isalpha() else -1
        leading_digits = re.search(r"\d*$", a[:i])
        nonzero_run = leading_digits is not None and leading_digits.group().strip("0") != ""
        x_run, y_run = re.match(r"\d*", a[i:]), re.match(r"\d*", b[i:])
        x_digits = x_run.group() if x_run else ""
        y_digits = y_run.group() if y_run else ""
        x_value = (1 if nonzero_run and "0" in (x, y) else 0) * 10 ** len(x_digits) + int(x_digits or "0")
        y_value = (1 if nonzero_run and "0" in (x, y) else 0) * 10 ** len(y_digits) + int(y_digits or "0")
        if x_value != y_value:
            return -1 if x_value < y_value else 1
        if len(x_digits) != len(y_digits):
            return -1 if len(x_digits) < len(y_digits) else 1
        return -1 if x < y else 1
    return (len(a) > len(b)) - (len(a) < len(b))


def _scalar_text(text: str) -> str:
    """A mapping key: never folded; quoted like any other string when it could not be plain."""
    style = _style(text)
    if style == "plain":
        return text
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in text) + '"'


def _string(out: _Out, text: str, indent: int) -> None:
    style = _style(text)
    out.put(" ")
    if style == "literal":
        _literal(out, text, indent)
        return
    quote = {"plain": "", "single": "'", "double": '"'}[style]
    out.put(quote)
    spaces = False
    last = len(text) - 1
    for i, char in enumerate(text):
        nxt = text[i + 1] if i < last else ""
        if style == "double" and (_escape(char) != char):
            out.put(_escape(char))
            spaces = False
        elif char == " ":
            inner = style == "plain" or 0 < i < last
            if inner and not spaces and out.column > _BEST_WIDTH and (style == "double" or nxt != " "):
                out.line(indent)  # the folded space becomes the line break
                if style == "double" and nxt == " ":
                    out.put("\\")
            else:
                out.put(" ")
            spaces = True
        else:
            out.put("''" if style == "single" and char == "'" else char)
            spaces = False
    out.put(quote)


def _literal(out: _Out, text: str, indent: int) -> None:
    hints = str(_INDENT) if text[0] == " " or text[0] in _BREAKS else ""
    if text[-1] not in _BREAKS:
        hints += "-"
    elif len(text) == 1 or text[-2] in _BREAKS:
        hints += "+"
    out.put("|" + hints)
    out.newline()
    at_break = True
    for char in text:
        if char in _BREAKS:
            out.newline()
            at_break = True
        else:
            if at_break:
                out.line(indent)
                at_break = False
            out.put(char)


def _escape(char: str) -> str:
    code = ord(char)
    if _printable(char) and char not in _BREAKS and char not in '"\\':
        return char
    if char in _ESCAPES:
        return "\\" + _ESCAPES[char]
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _printable(char: str) -> bool:
    code = ord(char)
    return (
        code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


def _style(text: str) -> str:
    """``plain``, ``single``, ``double`` or ``literal``: go-yaml's choice for a string value."""
    block_plain, single_ok, block_ok = _analyze(text)
    if "\n" in text:
        return "literal" if block_ok else "double"
    if _resolves_to_non_string(text) or _BASE60_FLOAT.fullmatch(text):
        return "double"
    if block_plain:
        return "plain"
    return "single" if single_ok else "double"


def _analyze(text: str) -> tuple[bool, bool, bool]:
    """(plain allowed in block context, single quotes allowed, block scalar allowed) for a non-empty string."""
    if not text:
        return True, True, False
    indicators = text[:3] in ("---", "...")
    special = leading = trailing = trailing_space = line_breaks = break_space = space_break = False
    previous_space = previous_break = False
    preceded_by_blank = True
    last = len(text) - 1
    for i, char in enumerate(text):
        followed_by_blank = i == last or text[i + 1] in " \t"
        if i == 0:
            first_chars = "#,[]{}&*!|>'\"%@`"
            if char in first_chars or (char in "?:-" and followed_by_blank):
                indicators = True
        elif (char == ":" and followed_by_blank) or (char == "#" and preceded_by_blank):
            indicators = True
        special = special or not _printable(char)
        if char == " ":
            leading = leading or i == 0
            if i == last:
                trailing = trailing_space = True
            break_space = break_space or previous_break
            previous_space, previous_break = True, False
        elif char in _BREAKS:
            line_breaks = True
            leading = leading or i == 0
            trailing = trailing or i == last
            space_break = space_break or previous_space
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_blank = char in " \t" or char in _BREAKS
    block_plain = not (leading or trailing or break_space or space_break or special or line_breaks or indicators)
    single_ok = not (break_space or space_break or special)
    block_ok = not (trailing_space or space_break or special)
    return block_plain, single_ok, block_ok


def _resolves_to_non_string(text: str) -> bool:
    """Whether go-yaml's YAML 1.1 resolver reads the plain text as a bool, null, number or timestamp."""
    if text in _NON_STRINGS:
        return True
    first = text[0]
    if first == ".":
        return _DOT_FLOAT.fullmatch(text) is not None and not math.isinf(float(text))
    if first not in "+-0123456789":
        return False
    if _timestamp(text):
        return True
    plain = text.replace("_", "")
    if _go_int(plain):
        return True
    return _YAML_FLOAT.fullmatch(plain) is not None and not math.isinf(float(plain))


def _go_int(text: str) -> bool:
    """Go's strconv.ParseInt / ParseUint with base 0 (prefixes 0x, 0o, 0b and a leading 0 for octal)."""
    signed = text[:1] in ("+", "-")
    body = text[1:] if signed else text
    prefix = body[:2].lower()
    base, digits = {"0x": (16, body[2:]), "0o": (8, body[2:]), "0b": (2, body[2:])}.get(prefix, (10, body))
    if base == 10 and body[:1] == "0" and len(body) > 1:
        base, digits = 8, body[1:]
    if not digits or any(c not in "0123456789abcdef"[:base] for c in digits.lower()):
        return False
    value = int(digits, base)
    if not signed:
        return value < 2**64
    return value <= 2**63 if text[0] == "-" else value < 2**63


def _timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(g) for g in match.group(1, 2, 3))
    clock = [int(g) for g in match.groups()[3:] if g is not None]
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    return not clock or (clock[0] < 24 and clock[1] < 60 and clock[2] < 60)
