"""The payout workbook for the finance bureau (SPEC §7), opened and checked cell by cell."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tongnan_calc.core.model import Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.report.layout import LINE_COLUMNS, PAYABLE_COLUMNS, PROVENANCE_ROWS
from tongnan_calc.report.xlsx import write_payout_workbook
from tongnan_calc.shell.run import run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
SHEETS = ["汇总", "应付明细", "计算依据", "待定", "标记", "无法计算", "不符合条件", "输入问题", "来源"]
MONEY = {c.zh for c in LINE_COLUMNS if c.money}


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


@pytest.fixture(scope="module")
def book(result: RunResult, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("payout") / "payout-2016.xlsx"
    write_payout_workbook(result, out)
    BOOK_PATH[:] = [out]
    return openpyxl.load_workbook(out)


BOOK_PATH: list[Path] = []


def rows(book: openpyxl.Workbook, sheet: str) -> list[dict[str, object]]:
    """The table's rows (on 应付明细, down to the 合计 row)."""
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    found = []
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "合计":
            break
        found.append(dict(zip(header, (c.value for c in row), strict=False)))
    return found


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
        written = [(r["统一社会信用代码"], r["措施代码"]) for r in rows(book, sheet)]
        expected = [(line.credit_code, line.measure) for line in result.lines if line.status is status]
        assert written == expected, sheet
        assert written, f"the example has {status.value} lines"


def test_headings_are_chinese(book: openpyxl.Workbook) -> None:
    assert [c.value for c in book["应付明细"][1]] == [c.zh for c in PAYABLE_COLUMNS]
    first = rows(book, "应付明细")[0]
    assert (first["序号"], first["措施"], first["状态"], first["措施代码"]) == (1, "办公用房租金补助", "应付", "rent")


def test_every_money_cell_is_a_number_formatted_with_two_decimals(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["应付明细"]
    header = [c.value for c in ws[1]]
    amounts = []
    count = sum(1 for line in result.lines if line.status is Status.PAYABLE)
    for row in ws.iter_rows(min_row=2, max_row=count + 1):
        for heading, cell in zip(header, row, strict=True):
            if heading in MONEY and cell.value is not None:
                assert cell.data_type == "n", (heading, cell.coordinate)
                assert cell.number_format == "#,##0.00"
        amounts.append(Decimal(str(row[header.index("金额（元）")].value)))
    assert sum(amounts) == result.totals.payable
    # the 合计 row: the sum and the count as formulas over the rows above (their values cached)
    total = [c.value for c in ws[count + 2]]
    assert (total[0], total[1], total[7]) == ("合计", f'="共 "&COUNT(H2:H{count + 1})&" 笔"', f"=SUM(H2:H{count + 1})")
    assert ws.cell(row=count + 2, column=8).number_format == "#,##0.00"
    cached = openpyxl.load_workbook(BOOK_PATH[0], data_only=True)["应付明细"]
    assert cached.cell(row=count + 2, column=2).value == f"共 {count} 笔"
    assert Decimal(str(cached.cell(row=count + 2, column=8).value)) == result.totals.payable
    assert ws.cell(row=count + 3, column=2).value == "合计金额（大写）：人民币捌拾陆万玖仟捌佰肆拾元玖角伍分"
    signature = [c.value for c in ws[count + 5] if c.value]
    assert signature == ["制表人：", "审核人：", "批准人：", "日期：    年    月    日"]
    assert ws.cell(row=count + 7, column=2).value == "发放单位（盖章）：重庆市潼南区商务局"


def test_payable_amounts_match_the_lines(book: openpyxl.Workbook, result: RunResult) -> None:
    payable = [line for line in result.lines if line.status is Status.PAYABLE]
    written = [Decimal(str(r["金额（元）"])).quantize(Decimal("0.01")) for r in rows(book, "应付明细")]
    assert written == [line.amount for line in payable]


def test_summary_formulas_refer_to_the_payable_sheet_ranges(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["汇总"]
    last = 1 + sum(1 for line in result.lines if line.status is Status.PAYABLE)
    assert ws.cell(row=5, column=1).value == "措施"
    by_measure = {}
    for row in ws.iter_rows(min_row=6, max_row=12):
        measure, count, amount, computed = row[2].value, row[4].value, row[5].value, row[6].value
        assert count == f"=COUNTIF('应付明细'!$L$2:$L${last},\"{measure}\")"
        assert amount == f"=SUMIF('应付明细'!$L$2:$L${last},\"{measure}\",'应付明细'!$H$2:$H${last})"
        assert row[5].number_format == "#,##0.00"
        by_measure[measure] = Decimal(str(computed)).quantize(Decimal("0.01"))
    assert by_measure == result.totals.by_measure
    total = ws.cell(row=13, column=1)
    assert total.value == "合计"
    assert ws.cell(row=13, column=5).value == "=SUM(E6:E12)"
    assert ws.cell(row=13, column=6).value == "=SUM(F6:F12)"
    assert Decimal(str(ws.cell(row=13, column=7).value)).quantize(Decimal("0.01")) == result.totals.payable


def test_summary_by_lead_unit_counts_each_line_once(book: openpyxl.Workbook, result: RunResult) -> None:
    ws = book["汇总"]
    last = 1 + sum(1 for line in result.lines if line.status is Status.PAYABLE)
    found = {}
    assert ws.cell(row=15, column=1).value == "牵头单位"
    for row in ws.iter_rows(min_row=16, max_row=17):
        found[row[0].value] = (row[3].value, row[5].value, Decimal(str(row[6].value)).quantize(Decimal("0.01")))
    # worked out from the example's payable lines: rent 533,869.84 + spin_off 20,000.00 + data_line 169,000.00
    # led by 区商务局; loan_interest 146,971.11 by 区经济信息委 (二（六） names it first)
    assert found["区商务局"][2] == Decimal("722869.84")
    assert found["区经济信息委"][2] == Decimal("146971.11")
    assert found["区商务局"][0] == "区财政局、潼南工商局"
    assert found["区经济信息委"][0] == "区商务局、区财政局"
    assert found["区商务局"][1] == f"=SUMIF('应付明细'!$I$2:$I${last},\"区商务局\",'应付明细'!$H$2:$H${last})"
    assert ws.cell(row=18, column=1).value == "合计"
    assert ws.cell(row=18, column=6).value == "=SUM(F16:F17)"
    assert Decimal(str(ws.cell(row=18, column=7).value)).quantize(Decimal("0.01")) == result.totals.payable


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
    zh = {
        "enterprises": "企业信息（enterprises）",
        "leases": "办公租赁（leases）",
        "data_lines": "数据专线（data_lines）",
    }
    assert written == [(zh[i.sheet], i.row, i.column, i.severity_text("zh"), i.text("zh")) for i in result.batch.issues]
    assert [r["严重程度"] for r in rows(book, "输入问题")] == ["提示", "警告", "错误", "错误"]
    assert rows(book, "输入问题")[2]["问题"] == "应为大于 0 的数，实际为-300"


def test_input_issues_sheet_in_english(result: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "payout-en.xlsx"
    write_payout_workbook(result, out, "en")
    book = openpyxl.load_workbook(out)
    written = [(r["sheet"], r["row"], r["column"], r["severity"], r["message"]) for r in rows(book, "input issues")]
    assert written == [(i.sheet, i.row, i.column, i.severity, i.message) for i in result.batch.issues]


def test_every_line_carries_its_reason_and_basis(book: openpyxl.Workbook) -> None:
    for sheet in ("待定", "不符合条件"):
        for r in rows(book, sheet):
            assert r["说明"], (sheet, r)
    for r in rows(book, "应付明细"):
        assert re.fullmatch(r"[0-9a-f]{20}", str(r["校验码"]))
    # the basis of each payable line is on 计算依据, under its 序号: its reason first, then a text line a row
    basis: dict[int, list[str]] = {}
    seq = 0
    for r in book["计算依据"].iter_rows(min_row=2, values_only=True):
        seq = int(str(r[0])) if r[0] is not None else seq
        basis.setdefault(seq, []).append(str(r[3]))
    assert sorted(basis) == list(range(1, len(rows(book, "应付明细")) + 1))
    for texts in basis.values():
        assert any("起施行" in t for t in texts) and texts[-1].startswith("四舍五入至0.01元")


def test_input_text_is_never_a_formula(tmp_path: Path, result: RunResult) -> None:
    from dataclasses import replace

    hostile = replace(result.lines[0], name='=HYPERLINK("http://x","y")', status=Status.PAYABLE)
    out = tmp_path / "p.xlsx"
    write_payout_workbook(replace(result, lines=(hostile,)), out)
    cell = openpyxl.load_workbook(out)["应付明细"]["B2"]  # 企业名称
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_english_workbook(tmp_path: Path, result: RunResult) -> None:
    out = tmp_path / "p-en.xlsx"
    write_payout_workbook(result, out, "en")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "summary",
        "payable",
        "basis",
        "pending",
        "flags",
        "blocked",
        "ineligible",
        "input issues",
        "provenance",
    ]
    assert [c.value for c in book["payable"][1]] == [c.en for c in PAYABLE_COLUMNS]


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
