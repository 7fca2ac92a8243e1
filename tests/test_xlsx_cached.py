"""SPEC §7: formulas carry their computed values.

A reader that does not recalculate (a phone, a previewer, python-calamine, openpyxl's
``data_only``) must show every formula's value.  Each formula the tool writes, in the
payout workbook and in the comparison workbook, is read back without recalculation
and checked against the value worked out here from the cells it refers to (a small
evaluator of the formula forms the tool writes: SUM, COUNT, COUNTIF, SUMIF, a
difference of two cells, text joined with ``&``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tongnan_calc.core.model import Status
from tongnan_calc.report.compare_out import write_comparison_workbook
from tongnan_calc.report.xlsx import write_payout_workbook
from tongnan_calc.shell.run import run, run_compare

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example.xlsx"
SHIPPED = ROOT / "tongnan_calc" / "rules.yaml"
REVISION = ROOT / "examples" / "rules-2018-revision.yaml"

TOKEN = re.compile(
    r"""\s*(?:
    (?P<text>"(?:[^"]|"")*")
    |(?P<range>(?:'(?:[^']|'')+'!)?\$?[A-Z]+\$?[0-9]+(?::\$?[A-Z]+\$?[0-9]+)?)
    |(?P<name>[A-Z]+)\(
    |(?P<op>[-&,)])
    )""",
    re.VERBOSE,
)


class Formulas:
    """Evaluates the tool's formulas over a workbook's stored values (the cached ones for formula cells)."""

    def __init__(self, values: Any, sheet: str) -> None:
        self.values, self.sheet = values, sheet

    def evaluate(self, formula: str) -> object:
        assert formula.startswith("=")
        tokens = list(TOKEN.finditer(formula[1:]))
        assert "".join(m.group(0) for m in tokens).strip() == formula[1:].strip(), formula  # every character read
        self.tokens, self.at = tokens, 0
        value = self._expression()
        assert self.at == len(tokens), formula
        return value

    def _next(self) -> re.Match[str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _expression(self) -> object:
        value = self._term()
        while self.at < len(self.tokens) and self.tokens[self.at].group("op") in ("&", "-"):
            op = self._next().group("op")
            right = self._term()
            value = f"{_text(value)}{_text(right)}" if op == "&" else _number(value) - _number(right)
        return value

    def _term(self) -> object:
        token = self._next()
        if token.group("text"):
            return token.group("text")[1:-1].replace('""', '"')
        if token.group("range"):
            cells = self._cells(token.group("range"))
            assert len(cells) == 1, token.group(0)
            return cells[0]
        name, args = token.group("name"), []
        while True:
            if self.tokens[self.at].group("range"):
                args.append(self._cells(self._next().group("range")))
            else:
                args.append(self._term())
            if self._next().group("op") == ")":
                break
        return self._call(name, args)

    def _call(self, name: str, args: list[Any]) -> object:
        numbers = [cell for cell in args[0] if isinstance(cell, (int, float))] if name in ("SUM", "COUNT") else []
        if name == "SUM":
            return sum(Decimal(repr(n)) for n in numbers)
        if name == "COUNT":
            return len(numbers)
        if name == "COUNTIF":
            return sum(1 for cell in args[0] if cell == args[1])
        if name == "SUMIF":
            kept = [value for key, value in zip(args[0], args[2], strict=True) if key == args[1]]
            return sum(Decimal(repr(v)) for v in kept if isinstance(v, (int, float)))
        raise AssertionError(f"a formula the evaluator does not know: {name}")

    def _cells(self, reference: str) -> list[object]:
        sheet = self.sheet
        if "!" in reference:
            quoted, reference = reference.rsplit("!", 1)
            sheet = quoted[1:-1].replace("''", "'")
        cells = self.values[sheet][reference.replace("$", "")]
        rows = cells if isinstance(cells, tuple) else ((cells,),)
        return [cell.value for row in rows for cell in (row if isinstance(row, tuple) else (row,))]


def _text(value: object) -> str:
    return str(value) if not isinstance(value, (Decimal, float)) else format(value, "g")


def _number(value: object) -> Decimal:
    assert isinstance(value, (int, float, Decimal)), value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def same(cached: object, computed: object) -> bool:
    """A cached number agrees to the cent (money is cached as a float); text and counts exactly."""
    if isinstance(computed, Decimal):
        return isinstance(cached, (int, float)) and Decimal(repr(cached)).quantize(
            Decimal("0.01")
        ) == computed.quantize(Decimal("0.01"))
    return cached == computed


def check_cached_values(path: Path) -> int:
    """Every formula of the workbook: its cached value is there, for openpyxl and calamine, and right."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    calamine = CalamineWorkbook.from_path(str(path))
    checked = 0
    for sheet in formulas.worksheets:
        found = [
            cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and cell.data_type == "f"
        ]
        grid = calamine.get_sheet_by_name(sheet.title).to_python(skip_empty_area=False)
        for cell in found:
            cached = values[sheet.title][cell.coordinate].value
            assert cached is not None and cached != "", (sheet.title, cell.coordinate, cell.value)
            read = grid[cell.row - 1][cell.column - 1]
            assert read == cached, (sheet.title, cell.coordinate, read, cached)  # a second reader agrees
            computed = Formulas(values, sheet.title).evaluate(str(cell.value))
            assert same(cached, computed), (sheet.title, cell.coordinate, cell.value, cached, computed)
            checked += 1
    return checked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_formula_of_the_payout_workbook_reads_back_as_its_value(tmp_path: Path, lang: str) -> None:
    result = run(EXAMPLE, 2016)
    out = tmp_path / "payout.xlsx"
    write_payout_workbook(result, out, lang)  # type: ignore[arg-type]
    units = {spec.responsible[0] for spec in result.rules.measures.values()}
    payable = result.totals.counts[Status.PAYABLE]
    assert payable > 0
    # the summary: COUNTIF and SUMIF per measure and per lead unit, two total rows of two SUMs; the payable
    # sheet's 合计 row: the count (as text) and the sum
    assert check_cached_values(out) == 2 * len(result.rules.measures) + 2 * len(units) + 4 + 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_formula_of_the_comparison_workbook_reads_back_as_its_value(tmp_path: Path, lang: str) -> None:
    _, _, comparison = run_compare(EXAMPLE, 2018, SHIPPED, REVISION)
    assert comparison.difference_total != 0  # the differences are not all zero: a missing value would show
    out = tmp_path / "impact.xlsx"
    write_comparison_workbook(comparison, out, lang)  # type: ignore[arg-type]
    measures = len(comparison.baseline.totals.by_measure)
    assert check_cached_values(out) == measures + 5  # a difference per measure; the total row's five sums
