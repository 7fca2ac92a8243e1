"""The payout workbook for the finance bureau (SPEC §7), opened and checked cell by cell."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tongnan_calc.core.model import Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.report.layout import LINE_COLUMNS, PROVENANCE_ROWS
from tongnan_calc.report.xlsx import write_payout_workbook
from tongnan_calc.shell.run import run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
SHEETS = ["汇总", "应付明细", "待定", "标记", "无法计算", "不符合条件", "输入问题", "来源"]
MONEY = {c.zh for c in LINE_COLUMNS if c.money}


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


@pytest.fixture(scope="module")
def book(result: RunResult, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("payout") / "payout-2016.xlsx"
    write_payout_workbook(result, out)
    return openpyxl.load_workbook(out)


def rows(book: openpyxl.Workbook, sheet: str) -> list[dict[str, object]]:
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]


def test_sheets_in_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS


def test_each_line_is_on_the_sheet_of_its_status(book: openpyxl.Workbook, result: RunResult) -> None:
    for sheet, status in [
        ("应付明细", Status.PAYABLE),
        ("待定", Status.PENDING),
        ("标记", Status.FLAG),
        ("无法计算", Status.BLOCKED),
        ("不符合条件", Status.INELIGIBLE),
    ]:
        written = [(r["统一社会信用代码"], r["措施"]) for r in rows(book, sheet)]
        expected = [(line.credit_code, line.measure) for line in result.lines if line.status is status]
        assert written == expected, sheet
        assert written, f"the example has {status.value} lines"


def test_headings_are_chinese(book: openpyxl.Workbook) -> None:
    assert [c.value for c in book["应付明细"][1]] == [c.zh for c in LINE_COLUMNS]


def test_every_money_cell_is_a_number_formatted_with_two_decimals(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["应付明细"]
    header = [c.value for c in ws[1]]
    amounts = []
    for row in ws.iter_rows(min_row=2):
        for heading, cell in zip(header, row, strict=True):
            if heading in MONEY and cell.value is not None:
                assert cell.data_type == "n", (heading, cell.coordinate)
                assert cell.number_format == "#,##0.00"
        amounts.append(Decimal(str(row[header.index("金额（元）")].value)))
    assert sum(amounts) == result.totals.payable


def test_payable_amounts_match_the_lines(book: openpyxl.Workbook, result: RunResult) -> None:
    payable = [line for line in result.lines if line.status is Status.PAYABLE]
    written = [Decimal(str(r["金额（元）"])).quantize(Decimal("0.01")) for r in rows(book, "应付明细")]
    assert written == [line.amount for line in payable]


def test_summary_formulas_refer_to_the_payable_sheet_ranges(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["汇总"]
    last = 1 + sum(1 for line in result.lines if line.status is Status.PAYABLE)
    by_measure = {}
    for row in ws.iter_rows(min_row=4, max_row=10):
        measure, count, amount, computed = row[0].value, row[4].value, row[5].value, row[6].value
        assert count == f"=COUNTIF('应付明细'!$C$2:$C${last},\"{measure}\")"
        assert amount == f"=SUMIF('应付明细'!$C$2:$C${last},\"{measure}\",'应付明细'!$F$2:$F${last})"
        assert row[5].number_format == "#,##0.00"
        by_measure[measure] = Decimal(str(computed)).quantize(Decimal("0.01"))
    assert by_measure == result.totals.by_measure
    total = ws.cell(row=11, column=1)
    assert total.value == "合计"
    assert ws.cell(row=11, column=5).value == "=SUM(E4:E10)"
    assert ws.cell(row=11, column=6).value == "=SUM(F4:F10)"
    assert Decimal(str(ws.cell(row=11, column=7).value)).quantize(Decimal("0.01")) == result.totals.payable


def test_summary_by_responsible_unit_sums_the_measure_rows(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["汇总"]
    measure_row = {ws.cell(row=r, column=1).value: r for r in range(4, 11)}
    found = {}
    for row in ws.iter_rows(min_row=14):
        if row[0].value and isinstance(row[5].value, str) and row[5].value.startswith("=SUM("):
            cells = re.findall(r"F(\d+)", row[5].value)
            found[row[0].value] = {ws.cell(row=int(c), column=1).value for c in cells}
    expected: dict[str, set[str]] = {}
    for measure_id, spec in result.rules.measures.items():
        for unit in spec.responsible:
            expected.setdefault(unit, set()).add(measure_id)
    assert found == expected
    assert all(set(measure_row) >= measures for measures in found.values())


def test_provenance_names_rules_input_ledger_and_year(book: openpyxl.Workbook, result: RunResult) -> None:
    values = {r["key"]: r["内容"] for r in rows(book, "来源") if r["key"] != "reference"}
    assert list(values) == [key for key, _, _ in PROVENANCE_ROWS]
    assert values["year"] == "2016"
    assert values["rules_version"] == result.rules.version
    assert values["rules_sha256"] == result.rules.sha256
    assert values["input_sha256"] == result.input_sha256
    assert values["ledger"] == "未使用台账"
    assert values["payable_total"] == f"{result.totals.payable:.2f}"


def test_input_issues_sheet_lists_every_issue(book: openpyxl.Workbook, result: RunResult) -> None:
    written = [(r["工作表"], r["行"], r["列"], r["严重程度"], r["问题"]) for r in rows(book, "输入问题")]
    assert written == [(i.sheet, i.row, i.column, i.severity_text("zh"), i.text("zh")) for i in result.batch.issues]
    assert [r["严重程度"] for r in rows(book, "输入问题")] == ["提示", "警告", "错误", "错误"]
    assert rows(book, "输入问题")[2]["问题"] == "应为大于 0 的数，实际为-300"


def test_input_issues_sheet_in_english(result: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "payout-en.xlsx"
    write_payout_workbook(result, out, "en")
    book = openpyxl.load_workbook(out)
    written = [(r["sheet"], r["row"], r["column"], r["severity"], r["message"]) for r in rows(book, "input issues")]
    assert written == [(i.sheet, i.row, i.column, i.severity, i.message) for i in result.batch.issues]


def test_every_line_carries_its_reason_and_basis(book: openpyxl.Workbook) -> None:
    for sheet in ("应付明细", "待定", "不符合条件"):
        for r in rows(book, sheet):
            assert r["说明"], (sheet, r)
    for r in rows(book, "应付明细"):
        basis = str(r["计算依据"])
        assert "起施行" in basis and "四舍五入至0.01元" in basis
        assert re.fullmatch(r"[0-9a-f]{20}", str(r["校验码"]))


def test_input_text_is_never_a_formula(tmp_path: Path, result: RunResult) -> None:
    from dataclasses import replace

    hostile = replace(result.lines[0], name='=HYPERLINK("http://x","y")', status=Status.PAYABLE)
    out = tmp_path / "p.xlsx"
    write_payout_workbook(replace(result, lines=(hostile,)), out)
    cell = openpyxl.load_workbook(out)["应付明细"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_english_workbook(tmp_path: Path, result: RunResult) -> None:
    out = tmp_path / "p-en.xlsx"
    write_payout_workbook(result, out, "en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "summary",
        "payable",
        "pending",
        "flags",
        "blocked",
        "ineligible",
        "input issues",
        "provenance",
    ]
    assert [c.value for c in book["payable"][1]] == [c.en for c in LINE_COLUMNS]


def test_provenance_cites_the_reference_of_each_value_used(book: openpyxl.Workbook, result: RunResult) -> None:
    """Issue 12: after the run's facts, one row per rule-file value the lines used, with its reference."""
    cited = [(r["项目"], r["内容"]) for r in rows(book, "来源") if r["key"] == "reference"]
    keys = [r["key"] for r in rows(book, "来源")]
    assert keys == [key for key, _, _ in PROVENANCE_ROWS] + ["reference"] * len(cited)
    used = {(line.measure, p.name, p.effective.isoformat()) for line in result.lines for p in line.basis.params}
    assert len(cited) == len(used) > 0
    notice = "《重庆市潼南区人民政府办公室关于促进电子商务发展重点工作分工及政策措施落实责任分解的通知》"
    for item, text in cited:
        where, since = item.split(" 自")
        measure, name = where.split(".")
        assert (measure, name, since.removesuffix("起")) in used
        assert text.startswith((notice, "《中国人民银行")), text
    assert ("spin_off.amount 自2015-01-01起", notice + "二（三）：给予一次性2万元的奖励") in cited
