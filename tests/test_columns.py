"""Whole columns converted in bulk (``input.columns``) give, cell for cell, what the converter gives.

The bulk pass converts the usual cells with C loops and leaves every other cell to the converter of
``cells``; these tests compare the two on columns where usual cells surround odd ones: text in a number
column, a bool, a huge number, a full-width digit, a blank, nan, a datetime, a date out of range.
Equal means the same type, the same ``repr`` (a ``Decimal``'s exponent: 12.3 is not 12.30, 2015 is not
2015.0) and, for a ``Bad``, the same message in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import le, lt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tongnan_calc.input import cells, columns, uscc
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.reader import read_sheets
from tongnan_calc.input.records import CodeCache, _checked_codes, _early, _groups
from tongnan_calc.input.sheets_spec import EXAMPLE_CODE, SHEETS, _credit_code_converter
from tongnan_calc.input.uscc import Checked

CONVERTERS: dict[str, Callable[[Cell, bool], object]] = {
    "text": cells.to_text,
    "yes_no": cells.to_yes_no,
    "hq_type": cells.to_hq_type,
    "demo_level": cells.to_demo_level,
    "date": cells.to_date,
    "amount": cells.to_amount,
    "positive": cells.to_positive,
    "year": cells.to_year,
}

ODD_TEXT = [
    "",
    " ",
    "\u3000",
    "1,234.50",
    " 1234.5 ",
    "１２３４．５０",
    "¥1,234.50",
    "-5",
    "1e5",
    "是",
    "否",
    " 是 ",
    "Y",
    "yes",
    "TRUE",
    "1",
    "0",
    "national",
    "国家级",
    "市级",
    "西部运营中心",
    "settlement_center",
    "2015-03-01",
    "2015/3/1",
    "２０１６年３月１日",
    "2015-02-30",
    "2015",
    "2015年",
    "２０１５",
    "2015.0",
    "total",
    "合计",
]


def _cents_float() -> st.SearchStrategy[float]:
    """Floats that are whole cents (the usual amount): most of a generated column."""
    return st.integers(min_value=0, max_value=10**15).map(lambda c: c / 100)


odd_cells: st.SearchStrategy[Cell] = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e13, 1e13 - 0.01, 1e15, 1e15 - 1, 2.0**53, 2.0**53 + 2, 1e16, 1.005, 0.001, 1e-7]),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(max_value=timedelta(days=10)),
    st.sampled_from([date(1899, 12, 31), date(1900, 1, 1), date(2200, 12, 31), date(2201, 1, 1)]),
    st.sampled_from([1899.0, 1900.0, 2015.0, 2200.0, 2201.0, 2015.5, 2015]),
)
usual_cells: st.SearchStrategy[Cell] = st.one_of(
    _cents_float(),
    st.integers(min_value=1900, max_value=2200).map(float),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.sampled_from(["是", "否", "national", "国家级", "市级", "潼南电商大厦", "L2016-000001"]),
)


def same(bulk: object, one: object) -> bool:
    if type(bulk) is not type(one) or repr(bulk) != repr(one):
        return False
    return not isinstance(bulk, Bad) or (isinstance(one, Bad) and (bulk.message, bulk.zh) == (one.message, one.zh))


def check(name: str, column: list[Cell], required: bool) -> None:
    convert = CONVERTERS[name]
    bulk = columns.column_converter(convert)(column, required)
    assert len(bulk) == len(column)
    for raw, got in zip(column, bulk, strict=True):
        expected = convert(raw, required)
        assert same(got, expected), (name, required, raw, got, expected)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(CONVERTERS)),
    required=st.booleans(),
    usual=st.lists(usual_cells, max_size=30),
    odd=st.lists(st.tuples(st.integers(min_value=0), odd_cells), max_size=4),
)
@example(name="amount", required=True, usual=[1.5, 2.25], odd=[(1, "１２３")])
@example(name="amount", required=True, usual=[1.5, 2.25, 3.0], odd=[(1, True)])
@example(name="positive", required=True, usual=[1.5, 2.25], odd=[(1, 1e300), (0, 0.0)])
@example(name="year", required=True, usual=[2015.0, 2016.0], odd=[(1, True), (0, "２０１５")])
@example(name="date", required=False, usual=[date(2015, 1, 1)], odd=[(0, ""), (0, datetime(2015, 1, 1, 12))])
@example(name="text", required=True, usual=["a", "b"], odd=[(1, ""), (0, 12345.0)])
@example(name="yes_no", required=False, usual=["是", "否"], odd=[(1, ""), (0, 1.0), (0, True)])
def test_a_column_in_bulk_is_the_converter_cell_by_cell(
    name: str, required: bool, usual: list[Cell], odd: list[tuple[int, Cell]]
) -> None:
    """Usual cells with a few odd ones put in among them, anywhere."""
    column = list(usual)
    for where, raw in odd:
        column.insert(where % (len(column) + 1), raw)
    check(name, column, required)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(CONVERTERS)), required=st.booleans(), column=st.lists(odd_cells, max_size=12))
def test_a_column_of_odd_cells_only(name: str, required: bool, column: list[Cell]) -> None:
    check(name, column, required)


@settings(deadline=None)
@given(st.lists(_cents_float(), min_size=1, max_size=50))
def test_whole_cents_keep_the_exponent_of_their_shortest_repr(floats: list[float]) -> None:
    """12.3 stays Decimal('12.3') (not 12.30), 1200.0 becomes Decimal('1200') (as int() gives), 0.05 is 0.05."""
    got = columns.column_converter(cells.to_amount)(floats, True)
    for raw, value in zip(floats, got, strict=True):
        expected = Decimal(int(raw)) if raw.is_integer() and raw < 2.0**53 else Decimal(repr(raw))
        if raw < 1e15:
            assert repr(value) == repr(expected)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [(12.3, "Decimal('12.3')"), (1200.0, "Decimal('1200')"), (0.05, "Decimal('0.05')"), (-0.0, "Decimal('0')")],
)
def test_amounts_by_hand(raw: float, shown: str) -> None:
    assert repr(columns.column_converter(cells.to_amount)([1.5, raw, 2.0], True)[1]) == shown


def test_one_odd_cell_in_the_middle_of_a_long_column() -> None:
    """The usual cells around it are untouched; it alone gets the converter's value or message."""
    cases: list[tuple[str, Cell, object]] = [
        ("amount", "１２３", Decimal("123")),
        ("amount", True, Bad("expected an amount such as 1,234.50, got TRUE")),
        ("amount", 1e20, Bad("expected a number below 1,000,000,000,000,000, got 1e+20")),
        ("amount", "", Bad("expected an amount such as 1,234.50, got blank")),
        ("year", "２０１６", 2016),
        ("date", "2015年3月1日", date(2015, 3, 1)),
        ("text", 12345.0, "12345"),
    ]
    for name, odd, expected in cases:
        usuals: dict[str, list[Cell]] = {
            "amount": [i / 100 for i in range(1000)],
            "year": [2015.0] * 1000,
            "date": [date(2016, 1, 1)] * 1000,
            "text": ["x"] * 1000,
        }
        usual = usuals[name]
        column: list[Cell] = [*usual[:500], odd, *usual[500:]]
        got = columns.column_converter(CONVERTERS[name])(column, True)
        assert got[500] == expected
        assert [same(a, CONVERTERS[name](b, True)) for a, b in zip(got, column, strict=True)] == [True] * 1001


def test_every_converter_of_the_sheets_has_a_column_converter() -> None:
    """A converter of ``SHEETS`` without a bulk pass is converted cell by cell: still the same values."""
    for spec in SHEETS:
        for column in spec.columns:
            values: list[Cell] = ["", "x", 1.0, True, date(2015, 1, 1), time(1), 2015.0]
            got = columns.column_converter(column.convert)(values, column.required)
            assert [same(a, column.convert(b, column.required)) for a, b in zip(got, values, strict=True)] == [
                True
            ] * len(values)


# --- credit codes --------------------------------------------------------------------------------

VALID = ["91500223MA5U7K3L2W", "91500223MA60B4XQ8A", "92500223MA5YP6HC1K", EXAMPLE_CODE]
code_texts: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(VALID),
    st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17).map(lambda c17: c17 + uscc.check_char(c17)),
    st.text(alphabet=uscc.ALPHABET + "IOSVZ a\u3000９", min_size=16, max_size=19),
    st.sampled_from(["91500223MA5U7K3L2X", "91500223ma5u7k3l2w", " 91500223MA5U7K3L2W", "９1500223MA5U7K3L2W", ""]),
)
"""Credit-code cells typed as text: valid, any 18 characters of the alphabet with a right check character,
near misses (spaces, lower case, full width, a wrong length)."""

code_cells: st.SearchStrategy[Cell] = st.one_of(
    code_texts,  # half the cells text, as before code_texts was drawn apart
    st.one_of(st.floats(), st.booleans(), st.integers(), st.dates()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(code_cells, max_size=40), st.lists(code_cells, max_size=40))
@example(["91500223MA5U7K3L2W", "91500223MA5U7K3L2X", EXAMPLE_CODE, 1.0, True], ["91500223MA5U7K3L2W"])
def test_credit_codes_in_bulk_are_each_checked_as_alone(first: list[Cell], second: list[Cell]) -> None:
    """Two sheets read one after the other (the second meets codes the first remembered): each code is
    what ``_credit_code_converter`` makes of it alone, with the same message or warning."""
    cache: CodeCache = {}
    for column in (first, second):
        codes, odd = _checked_codes(column, cache)
        for index, raw in enumerate(column):
            alone = _credit_code_converter(raw, True) if type(raw) is str else cells.to_credit_code(raw)
            if isinstance(alone, Bad):
                assert codes[index] is None
                assert same(odd[index], alone)
            else:
                assert isinstance(alone, Checked)
                assert codes[index] == alone.code
                assert (index in odd) == (alone != Checked(str(raw)))
                if index in odd:
                    found = odd[index]
                    assert isinstance(found, Checked) and found == alone and found.warning_zh == alone.warning_zh


@settings(deadline=None)
@given(st.lists(code_texts, max_size=60))  # drawn as text, not filtered out of code_cells (filter_too_much under load)
def test_valid_as_written_is_validate(texts: list[str]) -> None:
    assert uscc.valid_as_written(texts) == [text for text in texts if uscc.validate(text) == Checked(text)]


def test_valid_as_written_on_many_codes_with_one_wrong_check_character() -> None:
    """The 16-bit lanes of the sums stay apart over a long column (a carry would shift every code after it)."""
    codes = [f"91500223MA{i:07d}" for i in range(5000)]
    codes = [c17 + uscc.check_char(c17) for c17 in codes]
    wrong = codes[2500][:-1] + ("0" if codes[2500][-1] != "0" else "1")
    column = [*codes[:2500], wrong, *codes[2500:]]
    assert uscc.valid_as_written(column) == codes


# --- rows sharing a key ----------------------------------------------------------------------------


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", ("a", 1), ("a", Decimal("1.0"))])), max_size=30))
def test_groups_are_the_rows_sharing_a_key_by_first_row(keys: list[object]) -> None:
    expected: dict[object, list[int]] = {}
    for index, key in enumerate(keys):
        if key is not None:
            expected.setdefault(key, []).append(index)
    assert list(_groups(keys)) == [group for group in expected.values() if len(group) > 1]


@settings(deadline=None)
@given(st.lists(st.tuples(st.dates(), st.dates()), max_size=30), st.booleans())
@example([(date(2015, 1, 1), date(2015, 1, 1)), (date(2015, 1, 2), date(2015, 1, 1))], True)
def test_dates_out_of_order_by_c_loops_are_those_of_the_row_by_row_check(
    pairs: list[tuple[date, date]], strict: bool
) -> None:
    """``_check_order``'s bulk comparison of two date columns against the row-by-row check it takes when a
    column holds something else (a ``Bad``): the same rows, equal dates out of order only when ``strict``."""
    starts, ends = [start for start, _ in pairs], [end for _, end in pairs]
    bulk = [index for index, early in enumerate(map(le if strict else lt, ends, starts)) if early]
    assert bulk == list(_early(starts, ends, strict))
    assert list(_early([*starts, Bad("x")], [*ends, date(2000, 1, 1)], strict)) == bulk


# --- the same lease twice, found by a shorter key first ----------------------------------------------

A, B = "91500223MA5U7K3L2W", "91500223MA60B4XQ8A"
LEASE_HEADER = ["credit_code", "building", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"]
lease_rows = st.lists(
    st.tuples(
        st.sampled_from([A, B]),
        st.sampled_from(["大厦", " 大厦 ", ""]),
        st.sampled_from(["是", "否", "Y"]),
        st.sampled_from([100.0, 100.5, 1e20, "x"]),
        st.sampled_from([date(2016, 1, 1), date(2016, 2, 1)]),
        st.sampled_from([date(2016, 12, 31), "bad"]),
        st.sampled_from([0.0, 1200.0, 1200.00000001, "1,200.00", ""]),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(lease_rows)
def test_the_same_lease_twice_is_every_row_equal_in_every_value(rows: list[tuple[Cell, ...]]) -> None:
    """The warnings name exactly the rows equal to another in the credit code and every converted value
    (an unreadable value or a rent of 0 never makes two rows the same), as grouping whole rows finds them."""
    batch = read_sheets(
        {
            "enterprises": [["credit_code", "name", "ecommerce_entity"], [A, "a", "是"], [B, "b", "是"]],
            "leases": [LEASE_HEADER, *map(list, rows)],
        }
    )
    spec = SHEETS[1]
    keys: dict[tuple[object, ...], list[int]] = {}
    for number, row in enumerate(rows, start=2):
        values = tuple(column.convert(raw, column.required) for column, raw in zip(spec.columns, row, strict=True))
        if not any(isinstance(value, Bad) for value in values) and values[-1] != 0:
            keys.setdefault(values, []).append(number)
    expected = sorted(number for numbers in keys.values() if len(numbers) > 1 for number in numbers)
    warned = sorted(i.row or 0 for i in batch.issues if i.sheet == "leases" and i.message.startswith("the same lease"))
    assert warned == expected
