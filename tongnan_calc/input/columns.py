"""Whole columns of cells converted at once, exactly as ``cells`` converts each cell.

The reader converts a sheet a column at a time.  For each converter of ``cells``,
``column_converter`` gives a function that takes a whole column and returns, cell for cell,
exactly what the converter returns (the same values, with the same ``Decimal`` exponents, and the
same ``Bad`` messages in both languages).  It works in two passes:

1. a bulk pass, done by C-level builtins over the whole column (``map`` over ``type``, dict
   look-ups, ``str`` methods, comparisons, ``min``/``max``), converts the cells of the usual
   kind (a date cell in range, a float amount of whole cents, a year 1900..2200, a known yes/no
   word) and marks every other cell ``_SLOW``;
2. only the cells marked ``_SLOW`` go through the converter of ``cells`` one by one
   (``_settle``): a text amount, a bool, a huge number, a full-width digit, a blank, a wrong value.

So a column of 300,000 usual cells costs a few passes of C loops, and one odd cell in the middle
costs one call of the converter, not a slower path for the whole column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Context, Decimal
from itertools import compress, repeat
from operator import and_, eq, is_, is_not, not_, or_, truediv
from typing import Final, cast

from tongnan_calc.input import cells
from tongnan_calc.input.cells import Cell

ColumnConverter = Callable[[Iterable[Cell], bool], list[object]]
Converter = Callable[[Cell, bool], object]


class _Slow:
    """The mark of a cell the bulk pass leaves to the converter itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "_SLOW"


_SLOW: Final = _Slow()


def _settle(values: list[object], column: Sequence[Cell], convert: Converter, required: bool) -> list[object]:
    """``values`` with each ``_SLOW`` cell converted by ``convert`` itself (the cells are found by a C loop)."""
    for index in compress(range(len(values)), map(is_, values, repeat(_SLOW))):
        values[index] = convert(column[index], required)
    return values


def _others(column: Sequence[Cell], kind: type) -> list[int]:
    """The indexes of the cells whose type is not exactly ``kind`` (a bool is no int, a datetime no date)."""
    if set(map(type, column)) == {kind}:
        return []
    return list(compress(range(len(column)), map(is_not, map(type, column), repeat(kind))))


def _filled(column: Sequence[Cell], others: Sequence[int], filler: Cell) -> list[Cell]:
    """A copy of ``column`` with ``filler`` in place of the cells at ``others``."""
    filled = list(column)
    for index in others:
        filled[index] = filler
    return filled


def _mark(values: list[object], indexes: Iterable[int]) -> list[object]:
    for index in indexes:
        values[index] = _SLOW
    return values


# --- text --------------------------------------------------------------------------------------


def _text_column(column: Sequence[Cell], required: bool) -> list[object]:
    """Text cells stripped; a blank one (when ``required``) and any other cell by ``to_text``."""
    others = _others(column, str)
    texts = cast("list[str]", _filled(column, others, "") if others else column)
    values: list[object] = list(map(str.strip, texts))
    _mark(values, others)
    if required and "" in values:
        _mark(values, compress(range(len(values)), map(eq, values, repeat(""))))
    return _settle(values, column, cells.to_text, required)


def _memo_column(convert: Converter) -> Callable[[Sequence[Cell], bool], list[object]]:
    """Text cells (yes/no, choices) converted once per distinct text, then looked up by a C loop;
    any other cell (a number, a bool) by ``convert`` itself."""

    def column_of(column: Sequence[Cell], required: bool) -> list[object]:
        table: dict[object, object] = {raw: convert(raw, required) for raw in set(column) if type(raw) is str}
        return _settle(list(map(table.get, column, repeat(_SLOW))), column, convert, required)

    return column_of


# --- dates -------------------------------------------------------------------------------------

_DATE_MIN: Final = date(cells.YEAR_MIN, 1, 1)
_DATE_MAX: Final = date(cells.YEAR_MAX, 12, 31)


def _date_column(column: Sequence[Cell], required: bool) -> list[object]:
    """Date cells in range as they are; text dates once per distinct text; any other cell (a datetime,
    a date out of range, a number, a blank) by ``to_date``."""
    others = _others(column, date)
    days = cast("list[date]", _filled(column, others, _DATE_MIN))
    if days and not (min(days) >= _DATE_MIN and max(days) <= _DATE_MAX):
        outside = map(or_, map(_DATE_MIN.__gt__, days), map(_DATE_MAX.__lt__, days))
        _mark(cast("list[object]", days), compress(range(len(days)), outside))
    values = cast("list[object]", days)
    texts = {raw: cells.to_date(raw, required) for raw in {column[i] for i in others} if type(raw) is str}
    for index in others:
        raw = column[index]
        values[index] = texts.get(raw, _SLOW) if type(raw) is str else _SLOW
    return _settle(values, column, cells.to_date, required)


# --- amounts and numbers -----------------------------------------------------------------------

_CENTS_BELOW: Final = 1e13
"""Floats below this, when they are whole cents, are converted in bulk (``_cents``): a cent value below
10**13 has at most 15 significant digits, and two decimals of at most 15 significant digits are never
the same double (DBL_DIG), so the shortest repr of such a float is its cent value."""
_HUNDRED: Final = Decimal(100)
_EXACT: Final = Context(prec=28)
"""Division by 100 of a whole number below 10**15: always exact at 28 digits."""


def _cents(floats: Sequence[float]) -> list[object]:
    """Floats ``0 <= x < 10**13`` as ``Decimal``s equal to ``Decimal(repr(x))``, or ``Decimal(int(x))``
    for a whole ``x``; ``_SLOW`` where ``x`` is not a whole number of cents.

    ``c = round(100 x)`` is its number of cents when ``c / 100 == x`` (both sides the double nearest to
    the decimal ``c/100``); then ``repr(x)`` is that decimal (``_CENTS_BELOW``), and ``c / 100`` as an
    exact ``Decimal`` division has its exponent: the trailing zeros removed, none left in a whole
    number (12.30 -> 12.3, 1200.00 -> 1200), as the repr and ``int`` give."""
    hundredths = list(map(round, map((100.0).__mul__, floats)))
    found: list[object] = list(map(_EXACT.divide, map(Decimal, hundredths), repeat(_HUNDRED)))
    exact = list(map(eq, map(truediv, hundredths, repeat(100)), floats))
    if False in exact:
        _mark(found, compress(range(len(exact)), map(not_, exact)))
    return found


def _number_column(convert: Converter, low_open: bool) -> Callable[[Sequence[Cell], bool], list[object]]:
    """Float cells ``0 <= x`` (``low_open``: ``0 < x``) below ``_CENTS_BELOW`` that are whole cents, in
    bulk (``_cents``); any other cell (text, an int, a bool, 1.005, a huge number, nan) by ``convert``."""
    above = (0.0).__lt__ if low_open else (0.0).__le__

    def column_of(column: Sequence[Cell], required: bool) -> list[object]:
        others = _others(column, float)
        floats = cast("list[float]", _filled(column, others, 1.0))
        # in range: both comparisons true (nan fails both); a cell outside is left to ``convert``
        inside = list(map(and_, map(above, floats), map(_CENTS_BELOW.__gt__, floats)))
        outside = list(compress(range(len(inside)), map(not_, inside))) if False in inside else []
        for index in outside:
            floats[index] = 1.0
        values = _cents(floats)
        _mark(values, others)
        _mark(values, outside)
        return _settle(values, column, convert, required)

    return column_of


# --- years -------------------------------------------------------------------------------------

# Whole-number years in range, as float or int cells (a bool is neither: True == 1 is not a year).
_YEARS: Final[dict[object, int]] = {float(year): year for year in range(cells.YEAR_MIN, cells.YEAR_MAX + 1)}


def _year_column(column: Sequence[Cell], required: bool) -> list[object]:
    return _settle(list(map(_YEARS.get, column, repeat(_SLOW))), column, cells.to_year, required)


# --- the table ---------------------------------------------------------------------------------

_COLUMN_CONVERTERS: Final[dict[object, Callable[[Sequence[Cell], bool], list[object]]]] = {
    cells.to_text: _text_column,
    cells.to_yes_no: _memo_column(cells.to_yes_no),
    cells.to_hq_type: _memo_column(cells.to_hq_type),
    cells.to_demo_level: _memo_column(cells.to_demo_level),
    cells.to_date: _date_column,
    cells.to_amount: _number_column(cells.to_amount, low_open=False),
    cells.to_positive: _number_column(cells.to_positive, low_open=True),
    cells.to_year: _year_column,
}


def column_converter(convert: Converter) -> ColumnConverter:
    """A function converting a column of cells as ``convert`` converts each cell (cell by cell for a
    converter without a bulk pass)."""
    found = _COLUMN_CONVERTERS.get(convert)

    def column_of(values: Iterable[Cell], required: bool) -> list[object]:
        column = values if isinstance(values, list) else list(values)
        if found is not None:
            return found(column, required)
        return [convert(raw, required) for raw in column]

    return column_of
