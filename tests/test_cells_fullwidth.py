"""Full-width digits and punctuation (全角), as a Chinese input method types them, read as their ASCII forms.

Typed in full-width mode, or pasted from a document, ``１２３，４５６．７８`` is the amount 123,456.78 and
``２０１６年３月１日`` the date 2016-03-01; they were refused as "expected an amount such as 1,234.50, got
'１２３，４５６．７８'", a value that looks exactly like what is asked.  Only the full-width forms of ASCII
(U+FF01-U+FF5E) and the ideographic space are folded: ① or ² are no digits and stay refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tongnan_calc.input import cells, columns
from tongnan_calc.input.cells import Bad


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("１２３，４５６．７８", Decimal("123456.78")),
        ("１２３４", Decimal("1234")),
        ("￥１，２３４．５０", Decimal("1234.50")),
        ("１　２３４", Decimal("1234")),  # an ideographic space between digits groups them, as a space does
        ("０", Decimal("0")),
    ],
)
def test_a_full_width_amount_is_read_as_its_digits(text: str, value: Decimal) -> None:
    assert cells.to_amount(text) == value
    assert columns.column_converter(cells.to_amount)([text], True) == [value]


def test_a_full_width_area_is_read_as_its_digits() -> None:
    assert cells.to_positive("１，２００．５") == Decimal("1200.5")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("２０１６年３月１日", date(2016, 3, 1)),
        ("２０１６－０３－０１", date(2016, 3, 1)),
        ("２０１６／３／１", date(2016, 3, 1)),
    ],
)
def test_a_full_width_date_is_read_as_its_digits(text: str, value: date) -> None:
    assert cells.to_date(text) == value
    assert columns.column_converter(cells.to_date)([text], True) == [value]


@pytest.mark.parametrize("text", ["２０１６", "２０１６年", "２０１６．０"])
def test_a_full_width_year_is_read_as_its_digits(text: str) -> None:
    assert cells.to_year(text) == 2016


def test_a_full_width_minus_is_still_a_negative_amount() -> None:
    assert cells.to_amount("－１００") == Bad(
        "expected an amount of 0 or more, got '－１００'", "应为不小于 0 的金额，实际为“－１００”"
    )


@pytest.mark.parametrize("text", ["①", "1²", "１²", "½", "１２３。４５"])
def test_what_is_no_digit_stays_refused_with_the_value_as_written(text: str) -> None:
    assert cells.to_amount(text) == Bad(
        f"expected an amount such as 1,234.50, got {text!r}", f"应为金额，如 1,234.50，实际为“{text}”"
    )
