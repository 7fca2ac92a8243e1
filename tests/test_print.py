"""The payout workbook the finance bureau prints, signs and files (issue 15, SPEC §7).

大写 amounts against hand-written cases; per-unit totals that add up to the payable
total (the example, and Hypothesis-made lines); bank details read as written; the
issuer; and the example exported to PDF by LibreOffice, checked page by page with
pdftotext (skipped, with the reason, where LibreOffice or poppler is missing).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.model import Line, Msg, Status
from tongnan_calc.core.result import NO_LEDGER_WARNING
from tongnan_calc.input.reader import read_workbook
from tongnan_calc.report.units import unit_totals
from tongnan_calc.shell.run import run
from tongnan_calc.text.capitals import capitals

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.05", "人民币伍分"),
        ("10.00", "人民币壹拾元整"),
        ("100000.00", "人民币壹拾万元整"),
        ("1000000001.10", "人民币壹拾亿零壹元壹角整"),
        ("100200.00", "人民币壹拾万零贰佰元整"),
        ("0.00", "人民币零元整"),
        ("0.50", "人民币伍角整"),
        ("1.05", "人民币壹元零伍分"),
        ("10.50", "人民币壹拾元伍角整"),
        ("1001.00", "人民币壹仟零壹元整"),
        ("10010.00", "人民币壹万零壹拾元整"),
        ("110000000.00", "人民币壹亿壹仟万元整"),
        ("100010000.00", "人民币壹亿零壹万元整"),
        ("1000100000000.00", "人民币壹万零壹亿元整"),
        ("901378.45", "人民币玖拾万壹仟叁佰柒拾捌元肆角伍分"),
        # the reader's bound: every amount is below 10^15 yuan
        ("999999999999999.99", "人民币玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_capitals(amount: str, words: str) -> None:
    assert capitals(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-0.01", "0.001", "10000000000000000.00", "NaN"])
def test_capitals_refuses(amount: str) -> None:
    with pytest.raises(ValueError, match="no capitals for"):
        capitals(Decimal(amount))


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _read_back(words: str) -> Decimal:
    """An independent reader of capitals: 亿 and 万 as multipliers of what precedes them."""
    assert words.startswith("人民币")
    text = words[3:].removesuffix("整")
    cents = 0
    if "元" in text:
        whole, text = text.split("元")
    else:
        whole = ""
    for digit, unit in ((text.partition("角")[0][-1:], 10), (text.partition("分")[0][-1:], 1)):
        if ("角" if unit == 10 else "分") in text and digit in _DIGIT:
            cents += _DIGIT[digit] * unit
    total, section, number = 0, 0, 0
    for ch in whole:
        if ch in _DIGIT:
            number = _DIGIT[ch]
        elif ch in _SMALL:
            section += number * _SMALL[ch]
            number = 0
        elif ch == "万":
            section = (section + number) * 10_000
            number = 0
            total, section = total + section, 0
        elif ch == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
    yuan = total + section + number
    return Decimal(yuan * 100 + cents) / 100


@st.composite
def _shaped_cents(draw: st.DrawFn) -> int:
    """An amount whose digits are mostly zeros: zeros inside a 万 or 亿 section, whole sections of
    zeros, no jiao with fen, the 亿 and 万亿 places."""
    digits = draw(st.integers(min_value=1, max_value=17))
    return int("".join(draw(st.sampled_from("0000123456789")) for _ in range(digits)))


# uniform integers rarely have a zero inside the yuan (a third of them did): shaped amounts mostly
CAPITAL_CENTS = _shaped_cents() | _shaped_cents() | st.integers(min_value=0, max_value=10**17 - 1)


@given(CAPITAL_CENTS)
def test_capitals_read_back_to_the_amount(cents: int) -> None:
    amount = Decimal(cents) / 100
    words = capitals(amount)
    assert _read_back(words) == amount
    assert ("零零" not in words and not words[3:].startswith("零")) or amount == 0


def _line(measure: str, amount: str | None, responsible: tuple[str, ...], status: Status = Status.PAYABLE) -> Line:
    return Line(
        "91500223MA601P037Q",
        "企业",
        measure,
        "二（二）",
        status,
        None if amount is None else Decimal(amount),
        Msg("x"),
        responsible=responsible,
    )


def test_units_of_the_example_add_up_to_the_payable_total() -> None:
    result = run(EXAMPLE, 2016)
    units = unit_totals(result.lines, (spec.responsible for spec in result.rules.measures.values()))
    shown = {u.unit: (u.amount, u.lines, u.sharing) for u in units}
    # rent 533,869.84 + spin_off 20,000.00 + data_line 169,000.00 under 区商务局 (二（二）至（四）name it first);
    # loan_interest 146,971.11 under 区经济信息委 (二（六）); 区财政局 leads no clause
    assert shown == {
        "区商务局": (Decimal("722869.84"), 8, ("区财政局", "潼南工商局")),
        "区经济信息委": (Decimal("146971.11"), 2, ("区商务局", "区财政局")),
    }
    assert sum(u.amount for u in units) == result.totals.payable == Decimal("869840.95")


UNITS = st.lists(st.sampled_from(["区商务局", "区财政局", "区经济信息委", "潼南工商局"]), max_size=3, unique=True)


_ANY_LINE = st.tuples(
    st.sampled_from(list(Status)),
    st.one_of(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**8), st.none()),
    UNITS,
)
_PAYABLE_LINE = st.tuples(st.just(Status.PAYABLE), st.integers(min_value=0, max_value=10**12), UNITS)
# lines of every status, with or without an amount, mostly with a payable line among them (with each status
# equally likely, 6 examples in 10 had none); now and then no line at all
LINES = st.one_of(
    st.tuples(st.lists(_ANY_LINE, max_size=20), _PAYABLE_LINE, st.lists(_ANY_LINE, max_size=20)).map(
        lambda parts: [*parts[0], parts[1], *parts[2]]
    ),
    st.lists(_ANY_LINE, max_size=40),
    st.tuples(st.lists(_ANY_LINE, max_size=20), _PAYABLE_LINE, st.lists(_PAYABLE_LINE, max_size=20)).map(
        lambda parts: [*parts[0], parts[1], *parts[2]]
    ),
)


@given(LINES)
def test_each_payable_line_counts_once_for_its_lead_unit(raw: list[tuple[Status, int | None, list[str]]]) -> None:
    lines = [
        _line("rent", None if cents is None else str(Decimal(cents) / 100), tuple(units), status)
        for status, cents, units in raw
    ]
    units = unit_totals(lines)
    payable = [x for x in lines if x.status is Status.PAYABLE and x.amount is not None]
    assert sum((u.amount for u in units), Decimal(0)) == sum((x.amount or Decimal(0) for x in payable), Decimal(0))
    assert sum(u.lines for u in units) == len(payable)
    for unit in units:
        assert unit.unit not in unit.sharing or any(
            x.responsible[:1] == (unit.unit,) and unit.unit in x.responsible[1:] for x in payable
        )


def _enterprises_with(tmp_path: Path, accounts: list[object]) -> Path:
    book = openpyxl.load_workbook(EXAMPLE)
    sheet = book["企业信息"]
    width = sheet.max_column
    sheet.cell(row=1, column=width + 1, value="开户银行")
    sheet.cell(row=1, column=width + 2, value="银行账号")
    for offset, account in enumerate(accounts):
        sheet.cell(row=2 + offset, column=width + 1, value="中国农业银行潼南支行")
        sheet.cell(row=2 + offset, column=width + 2, value=account)  # type: ignore[arg-type]
    out = tmp_path / "banks.xlsx"
    book.save(out)
    return out


def test_bank_details_are_read_as_written_and_reach_the_payable_sheet(tmp_path: Path) -> None:
    source = _enterprises_with(tmp_path, ["6228 4801 2345 6789 012", "0123-AB", 123456789012345, None])
    batch = read_workbook(source)
    first = batch.records[0].enterprise
    assert (first.bank_name, first.bank_account) == ("中国农业银行潼南支行", "6228 4801 2345 6789 012")
    accounts = [r.enterprise.bank_account for r in batch.records[:4]]
    assert accounts == ["6228 4801 2345 6789 012", "0123-AB", "123456789012345", ""]
    out = tmp_path / "payout.xlsx"
    result = CliRunner().invoke(app, ["run", str(source), "--year", "2016", "--no-ledger", "--out", str(out)])
    assert result.exit_code == 1, result.output
    sheet = openpyxl.load_workbook(out)["应付明细"]
    heads = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[heads.index("统一社会信用代码")] == first.credit_code
    assert (row[heads.index("开户银行")], row[heads.index("银行账号")]) == (
        "中国农业银行潼南支行",
        "6228 4801 2345 6789 012",
    )
    assert sheet.cell(row=2, column=heads.index("银行账号") + 1).data_type == "s"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_account_typed_as_a_number_that_lost_digits_is_an_input_error(tmp_path: Path, lang: str) -> None:
    source = _enterprises_with(tmp_path, [6.228480123456789e18])
    found = [i for i in read_workbook(source).issues if i.column == "bank_account"]
    assert [(i.row, i.severity) for i in found] == [(2, "error")]
    expected = {
        "zh": "应为以文本填写的银行账号（作为数字输入已丢失位数：请将该列设为文本后重新填写），实际为6.22848012345679e+18",
        "en": "expected the account as text (typed as a number it has lost digits: format the column as text),"
        " got 6.22848012345679e+18",
    }[lang]
    assert found[0].text(lang) == expected  # type: ignore[arg-type]


def test_issuer_from_the_rule_file_and_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out)])
    summary = [c.value for row in openpyxl.load_workbook(out)["汇总"].iter_rows() for c in row if c.value]
    assert "发放单位（盖章）：重庆市潼南区商务局" in summary
    assert NO_LEDGER_WARNING.zh in summary
    other = tmp_path / "other.xlsx"
    args = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(other), "--issuer", "潼南区财政局"]
    CliRunner().invoke(app, args)
    payable = [c.value for row in openpyxl.load_workbook(other)["应付明细"].iter_rows() for c in row if c.value]
    assert "发放单位（盖章）：潼南区财政局" in payable


def test_pending_sheet_has_the_reviewers_columns_blank(tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out)])
    sheet = openpyxl.load_workbook(out)["待定"]
    heads = [c.value for c in sheet[1]]
    assert heads[-2:] == ["核定金额", "核定依据"]
    assert all(row[-2:] == (None, None) for row in sheet.iter_rows(min_row=2, values_only=True))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def _pages(pdf: Path) -> list[tuple[str, str]]:
    """(orientation, text) of each page."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    pages = []
    for line in info.stdout.splitlines():
        if line.startswith("Page") and "size:" in line:
            number = int(line.split()[1])
            width, height = (float(v) for v in line.split("size:")[1].split("pts")[0].split(" x "))
            text = subprocess.run(
                [str(PDFTOTEXT), "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            pages.append(("landscape" if width > height else "portrait", text))
    return pages


def to_pdf(workbook: Path, folder: Path) -> Path:
    """The PDF LibreOffice prints of ``workbook`` into ``folder`` (with a profile of its own there)."""
    assert SOFFICE is not None
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            workbook,
        ],
        capture_output=True,
        timeout=240,
        check=True,
    )
    return folder / f"{workbook.stem}.pdf"


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice or poppler-utils is not installed: .ci/install-libreoffice installs both",
)
def test_the_example_prints_on_a4_as_intended(tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out)])
    pages = _pages(to_pdf(out, tmp_path))
    assert len(pages) <= 12
    intended = {
        "汇总": "portrait",
        "应付明细": "landscape",
        "计算依据": "portrait",
        "待定": "landscape",
        "标记": "landscape",
        "无法计算": "landscape",
        "输入问题": "landscape",
        "来源": "portrait",
    }
    sheets = []
    for number, (orientation, text) in enumerate(pages, start=1):
        head = text.strip().splitlines()[0].split()
        sheet = head[2]  # the page header: 潼南区电子商务政策兑付 2016年度 | sheet | 规则版本 2015.1
        assert head[-2:] == ["规则版本", "2015.1"], number
        assert orientation == intended[sheet], (number, sheet)
        assert f"第{number}页共{len(pages)}页" in "".join(text.split())  # the footer (pdftotext spaces it loosely)
        sheets.append(sheet)
    assert "不符合条件" not in sheets  # hidden: not printed (the summary says so)
    assert sheets[0] == "汇总" and sheets[-1] == "来源"
    payable = [text for (_, text), sheet in zip(pages, sheets, strict=True) if sheet == "应付明细"]
    assert payable
    rows = 0
    for text in payable:  # the header row on every page, and each payout's name and amount on its line
        assert "序号" in text and "企业名称" in text and "金额（元）" in text
        for line in text.splitlines():
            if re.search(r"\b91500223[0-9A-Z]{10}\b", line):
                assert "公司" in line and re.search(r"\b\d{1,3}(,\d{3})*\.\d{2}\b", line), line
                rows += 1
    assert rows == 10
    assert "合计" in payable[-1] and "869,840.95" in payable[-1]
    assert "人民币捌拾陆万玖仟捌佰肆拾元玖角伍分" in payable[-1]
    assert "制表人" in payable[-1] and "批准人" in payable[-1]


def test_the_provenance_time_is_local_with_its_offset_and_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    from datetime import UTC, datetime

    from tongnan_calc.report.xlsx import local_time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert local_time(datetime(2016, 3, 1, 8, 0, tzinfo=UTC)) == "2016-03-01T16:00:00+08:00 (CST, Asia/Shanghai)"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_wrapped_cell_gets_the_lines_its_text_needs() -> None:
    from tongnan_calc.report.xlsx_book import text_lines

    assert text_lines("潼南" * 5, 21) == 1  # 10 CJK characters: 20 units in 20.25
    assert text_lines("潼南" * 5, 20) == 2
    assert text_lines("规则\n" * 3 + "规则", 10) == 4  # a line a row of the basis
    assert text_lines("a" * 40, 21) == 3  # 46 units of Latin text in 20.25
