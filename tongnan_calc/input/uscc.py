"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) checks.

A code has 18 characters from ``ALPHABET``; the last one is a check character
computed from the first 17 (weights 3^i mod 31, check value
(31 - Σ value×weight mod 31) mod 31).  A wrong length or character makes the
code unusable (an error); a wrong check character is only a warning because
some early codes fail it.
"""

from __future__ import annotations

import operator
import sys
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Final

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18

_VALUES: dict[str, int] = {ch: i for i, ch in enumerate(ALPHABET)}
_ALLOWED: frozenset[str] = frozenset(ALPHABET)
_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(LENGTH - 1))
# Characters deleted by ``normalize`` besides Unicode whitespace: zero-width
# characters that come along when a code is copied from a web page.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

ALLOWED_TEXT = "digits and the letters A-H J-N P-R T U W-Y"
ALLOWED_TEXT_ZH = "数字和字母 A-H、J-N、P-R、T、U、W-Y"


@dataclass(frozen=True, slots=True)
class Checked:
    """The result of ``validate``.

    ``code`` is the normalized text.  ``error`` is set when the code is
    unusable (wrong length or character); ``warning`` is set when only the
    check character is wrong (the code is still used).  ``error_zh`` and
    ``warning_zh`` say the same in Chinese.
    """

    code: str
    error: str | None = None
    warning: str | None = None
    error_zh: str | None = None
    warning_zh: str | None = None

    @property
    def usable(self) -> bool:
        return self.error is None

    @property
    def valid(self) -> bool:
        return self.error is None and self.warning is None


def normalize(text: str) -> str:
    """Upper-case, fold full-width forms (NFKC) and remove every space.

    Spaces include full-width (U+3000) and non-breaking spaces and zero-width
    characters, wherever they are in the text.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def check_char(code17: str) -> str:
    """The check character for the first 17 characters of a code.

    Raises ``ValueError`` when ``code17`` is not 17 characters of ``ALPHABET``.
    """
    if len(code17) != LENGTH - 1:
        raise ValueError(f"expected 17 characters, got {len(code17)}")
    try:
        values = [_VALUES[ch] for ch in code17]
    except KeyError as error:
        raise ValueError(f"character {error.args[0]!r} is not allowed in a credit code") from None
    total = sum(map(operator.mul, values, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate(text: str) -> Checked:
    """Normalize ``text`` and check it as a credit code."""
    code = normalize(text)
    if len(code) != LENGTH:
        return Checked(
            code,
            error=(f"expected a unified social credit code of 18 characters, got {len(code)}: {code!r}"),
            error_zh=f"统一社会信用代码应为18位，实际为{len(code)}位：“{code}”",
        )
    if not _ALLOWED.issuperset(code):
        position, ch = next((i, c) for i, c in enumerate(code, 1) if c not in _VALUES)
        return Checked(
            code,
            error=(f"expected a unified social credit code ({ALLOWED_TEXT}), got {ch!r} at position {position}"),
            error_zh=f"统一社会信用代码只能由{ALLOWED_TEXT_ZH}组成，第{position}位却是“{ch}”",
        )
    expected = check_char(code[:-1])
    if code[-1] != expected:
        return Checked(
            code,
            warning=(
                f"expected check character {expected!r}, got {code[-1]!r}: "
                "the code may be mistyped (the row is still used)"
            ),
            warning_zh=f"校验位应为“{expected}”，实际为“{code[-1]}”：代码可能录入有误（该行仍参与计算）",
        )
    return Checked(code)


# --- many codes at once --------------------------------------------------------------------------
#
# ``valid_as_written`` checks a whole column of codes with C loops: the codes' characters as bytes,
# each character's value by ``bytes.translate``, and the 17 weighted sums of all the codes at once as
# big integers whose 16-bit lanes are the codes (a sum is at most 17 × 30 × 30 = 15,300 < 2**16, so
# the lanes never carry into each other).

_LANE: Final = 2  # bytes per code in the sums
_VALUE_BYTES: Final = bytes.maketrans(ALPHABET.encode(), bytes(range(len(ALPHABET))))
_CHECK_BY_REST: Final = bytes(ord(ALPHABET[(31 - rest) % 31]) for rest in range(31))
_CHECK_BY_SUM: Final = (_CHECK_BY_REST * ((1 << 16) // 31 + 1))[: 1 << 16]
"""The check character (a byte) of each weighted sum of a code's first 17 values (by the sum modulo 31)."""
_ALLOWED_BYTES: Final = ALPHABET.encode()


def valid_as_written(texts: Sequence[str]) -> list[str]:
    """The texts of ``texts`` that ``validate`` finds valid and that need no normalizing (18 characters
    of ``ALPHABET``, the check character right): for each of them ``validate(text) == Checked(text)``.
    The others (a space, a lower-case letter, a wrong length or check character) are left out."""
    codes = list(compress(texts, map(LENGTH.__eq__, map(len, texts))))
    joined = "".join(codes)
    if not joined.isascii() or joined.encode().translate(None, _ALLOWED_BYTES):
        codes = [code for code in codes if code.isascii() and not code.encode().translate(None, _ALLOWED_BYTES)]
        joined = "".join(codes)
    if not codes:
        return []
    values = joined.encode().translate(_VALUE_BYTES)
    count = len(codes)
    total = 0
    for position, weight in enumerate(_WEIGHTS):
        lanes = bytearray(count * _LANE)
        lanes[::_LANE] = values[position::LENGTH]  # little-endian: each value in the low byte of its lane
        total += weight * int.from_bytes(lanes, "little")
    sums = array("H", total.to_bytes(count * _LANE, "little"))
    if sys.byteorder == "big":
        sums.byteswap()
    expected = bytes(map(_CHECK_BY_SUM.__getitem__, sums))
    written = joined[LENGTH - 1 :: LENGTH].encode()
    if expected == written:
        return codes
    return list(compress(codes, map(operator.eq, expected, written)))
