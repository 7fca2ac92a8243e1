"""An amount in Chinese capital numerals (大写金额), as written on a payment document.

``capitals(Decimal("100200.00")) == "人民币壹拾万零贰佰元整"``.  The rules are those of
the accounting basic-work norms (会计基础工作规范 第五十二条): a run of zeros in the
middle is written as one 零; an amount that ends at 元 or 角 ends with 整; an amount
with 分 has no 整; a leading ten is written 壹拾.  Units above 万 are 亿, with 万 inside
it (壹万亿 is 10^12).  Exact for every amount in cents below 10^16 yuan — the reader
refuses any amount of 10^15 or more, so a total of up to ten such lines is covered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

DIGITS: Final = "零壹贰叁肆伍陆柒捌玖"
_PLACES: Final = ("", "拾", "佰", "仟")
LIMIT: Final = Decimal(10) ** 16
"""Amounts from here up are refused (the units would need 亿亿)."""


def capitals(amount: Decimal) -> str:
    """``amount`` (yuan, at most two decimals, 0 ≤ amount < 10^16) in capitals, after 人民币."""
    if not amount.is_finite() or amount < 0 or amount >= LIMIT:
        raise ValueError(f"no capitals for {amount}: an amount from 0 to below 10^16 yuan")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"no capitals for {amount}: more than two decimals")
    yuan, rest = divmod(int(cents), 100)
    jiao, fen = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "人民币零元整"
    text = _whole(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    text += DIGITS[fen] + "分" if fen else "整"
    return "人民币" + text


def _whole(n: int) -> str:
    """A whole number above 0 in capitals, without leading or trailing 零."""
    for size, unit in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = _whole(high) + unit
            if low == 0:
                return text
            # zeros between the unit and the rest (壹拾万零贰佰) are read as one 零
            return text + ("零" if low < size // 10 else "") + _whole(low)
    return _below_ten_thousand(n)


def _below_ten_thousand(n: int) -> str:
    text, zero = "", False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(text)  # a zero after a written digit: 零 if another digit follows
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[digit] + _PLACES[place]
    return text
