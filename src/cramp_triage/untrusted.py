"""Text a person typed (medicine names, scenario titles, a custom pack's words), made safe to
show: control characters (an escape sequence can retitle a terminal, recolour it or hide text),
newlines and bidirectional overrides (which reorder what is shown) are written as ``\\uXXXX``,
as JSON writes them. The CLI's streams and the result's labels use this one reading."""

from __future__ import annotations

_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]  # all but tab and newline
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]


def escape(character: str) -> str:
    code = ord(character)
    if code > 0xFFFF:  # as JSON writes it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


ESCAPES = {code: escape(chr(code)) for code in _CONTROLS + _BIDI}
_ESCAPES_AND_NEWLINES = {**ESCAPES, 0x0A: "\\u000a", 0x09: "\\u0009"}


def printable(text: str) -> str:
    """``text`` on one line, with control characters, newlines and bidi overrides written as ``\\uXXXX``."""
    return str(text).translate(_ESCAPES_AND_NEWLINES)
