"""What reaches the clerk's terminal: whole codes and amounts at any width, no markup, no control sequences.

- Tables never cut a credit code (18 characters) or an amount at a width of 40
  columns or more: names and reasons fold, and where a table cannot hold them the
  rows are printed as records (one field a line).
- No text from a file or a user goes through rich's markup or emoji processing
  (``rules.yaml:100:`` stays, ``[bold]`` stays).
- Every control character of such a text but the newline is shown as its escape
  (ESC as ``\\x1b``): a cell holding ``_x001B_[2J`` cannot clear the screen.  The
  workbook and the JSON keep the original text.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.cli.clerk_input import print_issue_tables
from tongnan_calc.cli.ledger import _print_entries
from tongnan_calc.core.model import Batch, InputIssue, Line, Msg, Status
from tongnan_calc.ledger import Entry
from tongnan_calc.report.screen import plain, screen, visible
from tongnan_calc.report.terminal import print_issues, print_lines

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
RULES = ROOT / "tongnan_calc" / "rules.yaml"
WIDTHS = (40, 60, 80, 100, 120)
MARKUP = "[bold]x[/bold] :smile:"


def invoke(*args: str, width: int = 120) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), prog_name="tongnan-calc", env={"COLUMNS": str(width)})
    return result.exit_code, result.stdout, result.stderr


def whole(needle: str, output: str) -> bool:
    return any(needle in line for line in output.splitlines())


def assert_within(output: str, width: int) -> None:
    assert max(cell_len(line) for line in output.splitlines()) <= width


# --- widths -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("json") / "run.json"
    code, _, stderr = invoke("run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--json", str(out))
    assert code == 1, stderr  # the example has input errors on purpose
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_run_shows_every_code_and_payable_amount_whole(
    width: int, lang: str, example_json: dict[str, object]
) -> None:
    code, out, _ = invoke("run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--lang", lang, width=width)
    assert code == 1
    lines = [e for e in example_json["entitlements"] if e["status"] != "ineligible"]  # type: ignore[attr-defined]
    payable = [e for e in lines if e["status"] == "payable"]
    assert len(payable) == 10  # the example's payable lines, 869,840.95 in all
    for entry in lines:
        assert whole(entry["credit_code"], out), (width, entry["credit_code"])
    for entry in payable:
        assert whole(f"{Decimal(entry['amount']):,.2f}", out), (width, entry["amount"])
    assert whole("869,840.95", out)
    assert_within(out, width)


def test_a_narrow_terminal_gets_records_a_wide_one_a_table() -> None:
    _, narrow, _ = invoke("run", str(EXAMPLE), "--year", "2016", "--no-ledger", width=40)
    assert (
        "统一社会信用代码：91500223MA601P037Q\n措施：办公用房租金补助（rent）\n条款：二（二）\n状态：应付\n" in narrow
    )
    assert "金额（元）：53,901.64\n" in narrow
    _, wide, _ = invoke("run", str(EXAMPLE), "--year", "2016", "--no-ledger", width=120)
    # the measure's name may fold; the code, clause, status and amount stand whole on the line
    assert re.search(r"│ 91500223MA601P037Q │ 办公用房租金补助（? *│ 二（二） +│ 应付 +│ +53,901\.64 │", wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_check_shows_every_short_value_whole(width: int) -> None:
    code, out, _ = invoke("check", str(EXAMPLE), width=width)
    assert code == 1
    for value in ("'91500223MA618P666L'", "'91500223MA621P777R'", "-300"):
        assert whole(value, out), (width, value)
    assert_within("\n".join(out.splitlines()[:-1]), width)  # the last line, the verdict, is not wrapped


def _entries() -> list[Entry]:
    return [
        Entry(n, "payout", f"91500223MA60{n}P037Q"[:18], 2016, "rent", None, Decimal("1234567.89") * n,
              "2017-01-01T00:00:00Z", f"record payout-2016.xlsx row {n}", source_zh=f"记录 payout-2016.xlsx 第{n}行")
        for n in range(1, 4)
    ] + [
        Entry(4, "payout", "91500223MA605P185C", 2016, "sales_milestone", Decimal("50000000.00"),
              Decimal("100000.00"), "2017-01-01T00:00:00Z", "import history.xlsx row 2", source_zh="导入 history.xlsx 第2行")
    ]  # fmt: skip


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ledger_list_shows_every_code_and_amount_whole(width: int, lang: str) -> None:
    out = io.StringIO()
    _print_entries(screen(file=out, width=width), _entries(), lang)  # type: ignore[arg-type]
    text = out.getvalue()
    for entry in _entries():
        assert whole(entry.credit_code, text), (width, entry.credit_code)
        assert whole(f"{entry.amount:,}", text), (width, entry.amount)
    assert whole("50,000,000.00", text)
    assert_within(text, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_shows_every_code_and_amount_whole(width: int, tmp_path: Path) -> None:
    reform = tmp_path / "reform.yaml"
    text = RULES.read_text(encoding="utf-8")
    assert text.count("        2015-01-01: 20000\n") == 1
    revised = text.replace("        2015-01-01: 20000\n", "        2015-01-01: 30000\n")
    reform.write_text(revised.replace('version: "2015.1"', 'version: "2015.9"'), encoding="utf-8")  # its own version
    code, out, _ = invoke(
        "compare", str(EXAMPLE), "--year", "2016", "--baseline", str(RULES), "--reform", str(reform), "--no-ledger",
        width=width,
    )  # fmt: skip
    assert code == 1
    for needle in ("91500223MA605P185C", "+10,000.00", "20,000.00", "30,000.00", "869,840.95", "879,840.95"):
        assert whole(needle, out), (width, needle)
    assert_within(out, width)


# --- no markup, no emoji --------------------------------------------------------------------------------


def test_a_rule_file_error_on_line_100_keeps_its_line_number(tmp_path: Path) -> None:
    lines = RULES.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "responsible: [区经济信息委, 区商务局, 区财政局]" in line)
    lines[index] = lines[index].replace("区财政局", f'"{MARKUP}"')
    while index > 99:  # the bad line becomes line 100: fewer comment lines above it, or more
        del lines[next(i for i in range(index) if lines[i].lstrip().startswith("#"))]
        index -= 1
    lines[index:index] = ["# padding\n"] * (99 - index)
    index = 99
    assert "responsible: [区经济信息委, 区商务局" in lines[99]
    broken = tmp_path / "rules.yaml"
    broken.write_text("".join(lines), encoding="utf-8")
    code, out, err = invoke("rules", "check", str(broken))
    assert (code, out) == (2, "")
    assert err == f"错误：{broken}:100: demo_priority.responsible：“{MARKUP}”不是通知中列明的责任单位\n"
    code, _, err = invoke("rules", "check", str(broken), "--lang", "en")
    assert code == 2
    assert err.startswith(f"error: {broken}:100: ") and MARKUP in err
    assert "💯" not in err and "😄" not in err


def _name_workbook(tmp_path: Path, name: str) -> Path:
    """The example with its first enterprise renamed (the name cell written as given)."""
    path = tmp_path / "named.xlsx"
    shutil.copy(EXAMPLE, path)
    book = load_workbook(path)
    sheet = book["企业信息"]
    assert sheet["A1"].value == "企业名称"
    sheet["A2"].value = name
    book.save(path)
    return path


def test_a_company_name_with_markup_and_emoji_codes_stays_literal(tmp_path: Path) -> None:
    book = _name_workbook(tmp_path, f"潼南{MARKUP}公司")
    _, out, _ = invoke("run", str(book), "--year", "2016", "--no-ledger", width=200)
    assert f"潼南{MARKUP}公司" in out
    assert "😄" not in out
    _, out, _ = invoke("explain", "91500223MA601P037Q", str(book), "--year", "2016", "--no-ledger", width=200)
    assert f"潼南{MARKUP}公司" in out and "😄" not in out


# --- control characters -----------------------------------------------------------------------------------


def test_visible_shows_each_control_character_as_its_escape() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\r\t\x00\x7f\x85\x9b\n") == "\\r\\t\\x00\\x7f\\x85\\x9b\n"
    assert visible("潼南 [bold] :100:") == "潼南 [bold] :100:"


def test_an_escape_stored_in_a_real_cell_is_shown_not_obeyed(tmp_path: Path) -> None:
    """Excel stores ESC as ``_x001B_``; the reader decodes it; the terminal shows ``\\x1b``, the JSON keeps ESC."""
    book = _name_workbook(tmp_path, "潼南_x001B_[2J公司")
    json_out = tmp_path / "run.json"
    _, out, _ = invoke("run", str(book), "--year", "2016", "--no-ledger", "--json", str(json_out), width=200)
    assert "潼南\\x1b[2J公司" in out
    assert "\x1b" not in out
    names = {e["name"] for e in json.loads(json_out.read_text(encoding="utf-8"))["entitlements"]}
    assert "潼南\x1b[2J公司" in names
    _, out, err = invoke("check", str(book), width=200)
    assert "\x1b" not in out + err
    _, out, err = invoke("explain", "91500223MA601P037Q", str(book), "--year", "2016", "--no-ledger", width=200)
    assert "\x1b" not in out + err
    assert "潼南\\x1b[2J公司" in out


def test_ledger_notes_and_error_lines_show_control_characters() -> None:
    out = io.StringIO()
    entry = Entry(5, "reversal", "91500223MA601P037Q", 2016, "rent", None, Decimal("-1.00"), "2017-01-01T00:00:00Z",
                  "reverse", reverses=1, reason=f"\x1b[31m{MARKUP}")  # fmt: skip
    _print_entries(screen(file=out, width=200), [entry], "zh")  # type: ignore[arg-type]
    assert "冲销条目 1：\\x1b[31m[bold]x[/bold] :smile:" in out.getvalue()
    code, _, err = invoke("run", "no\x1b[2Jsuch.xlsx", "--year", "2016", "--no-ledger")
    assert code == 2
    assert err == "错误：no\\x1b[2Jsuch.xlsx：找不到文件\n"


# all of Unicode, with controls (C0, DEL, C1, escape sequences) mixed in on purpose: the property is about them
_CONTROL = st.sampled_from(["\x1b[2J", "\x1b]0;t\x07", "\x9b31m", "\r", "\x00", "\x7f", "\x85", "\t", "\x1b"])
TEXT = st.lists(st.text(st.characters(codec="utf-8"), max_size=10) | _CONTROL, max_size=6).map("".join)


def _line(name: str, reason: str) -> Line:
    return Line(
        credit_code="91500223MA601P037Q", name=name, measure="rent", clause="二（二）", status=Status.PAYABLE,
        amount=Decimal("53901.64"), reason=Msg("blocked", (("where_zh", reason), ("where_en", reason))),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(name=TEXT, reason=TEXT, value=TEXT, width=st.sampled_from(WIDTHS))
def test_no_control_character_reaches_the_terminal_from_cell_text(
    name: str, reason: str, value: str, width: int
) -> None:
    """Tables, records and error lines rendered with cell text drawn from all of Unicode: the output holds
    no byte below 0x20 but the newline, and no 0x7f-0x9f."""
    out = io.StringIO()
    console = screen(file=out, width=width)
    print_lines(console, [_line(name, reason)], "2016", "zh")
    issue = InputIssue("leases", 7, "area_m2", name, value, "error", reason, message_zh=reason)
    print_issues(console, [issue], "en")
    batch = Batch(records=(), issues=(issue,))
    print_issue_tables(console, batch, "zh")
    console.print(plain(name))
    data = out.getvalue().encode("utf-8")
    assert not [b for b in data if (b < 0x20 and b != 0x0A)]
    assert not re.search("[\x7f-\x9f]", out.getvalue())
    assert "53,901.64" in out.getvalue() and "91500223MA601P037Q" in out.getvalue()


def test_a_console_not_made_by_screen_would_let_them_through() -> None:
    """The property above can fail: rich alone passes ESC and C1 controls."""
    out = io.StringIO()
    Console(file=out, width=80).print("a\x1b[2Jb\x9b")
    assert "\x1b" in out.getvalue()


_CELL = st.text(alphabet=st.sampled_from("ab 企业名称租金9１"), min_size=0, max_size=30)


TABLE_CASES = st.tuples(
    st.lists(st.tuples(_CELL, st.from_regex(r"9[0-9A-Z]{17}", fullmatch=True), _CELL), min_size=1, max_size=6),
    st.integers(min_value=40, max_value=140),
    st.booleans(),
)


def table_sides(rows: list[tuple[str, str, str]], width: int, edge: bool) -> tuple[bool, bool]:
    """The property's assertions; (the bound said too wide, the table fitted at ``width``)."""
    from rich.table import Table

    from tongnan_calc.report.screen import fits, narrowest

    table = Table(title="t", show_edge=edge, pad_edge=edge)
    table.add_column("企业名称", overflow="fold", min_width=10)
    table.add_column("统一社会信用代码", no_wrap=True)
    table.add_column("理由", overflow="fold", min_width=12)
    for name, code, reason in rows:
        table.add_row(plain(name), plain(code), plain(reason))
    needles = [code for _, code, _ in rows]
    headers = [str(column.header) for column in table.columns]
    console = screen(file=io.StringIO(), width=width)
    with console.capture() as capture:
        console.print(table, crop=False, width=width)
    too_wide = narrowest(table, needles) > width
    fitted = fits(capture.get(), width, [*needles, *headers])
    if too_wide:
        assert not fitted
    # and where it fits at its natural width, the bound is no more than that width
    natural = max(cell_len(line) for line in capture.get().splitlines())
    if fitted:
        assert narrowest(table, needles) <= natural
    return too_wide, fitted


@settings(max_examples=60, deadline=None)
@given(TABLE_CASES)
def test_a_table_the_lower_bound_rules_out_would_not_have_fitted(
    case: tuple[list[tuple[str, str, str]], int, bool],
) -> None:
    """``narrowest`` lets ``print_fitted`` skip laying out a table that cannot show its needles whole: the
    bound never says "too wide" of a table that, laid out at that width, would have fitted."""
    table_sides(*case)


def test_the_lower_bound_of_the_entitlement_table_at_80_columns() -> None:
    """Worked by hand: 企业 (4) ≥ min 10, 信用代码 18, 措施 min 8, 条款 4, 状态 4, 金额 10 ("110,160.00"),
    原因 min 12 → 66 cells, + 7 × 2 padding + 8 rules = 88 > 80: records, without a layout."""
    from rich.table import Table

    from tongnan_calc.report.screen import narrowest

    table = Table(title="t")
    for header, options in (
        ("企业", {"overflow": "fold", "min_width": 10}),
        ("信用代码", {"no_wrap": True}),
        ("措施", {"overflow": "fold", "min_width": 8}),
        ("条款", {"no_wrap": True}),
        ("状态", {"no_wrap": True}),
        ("金额", {"no_wrap": True}),
        ("原因", {"overflow": "fold", "min_width": 12}),
    ):
        table.add_column(header, **options)  # type: ignore[arg-type]
    table.add_row("甲", "91500223MA5U000017", "租金补助", "二（二）", "应付", "110,160.00", "新落户")
    assert narrowest(table, ["91500223MA5U000017", "110,160.00"]) == 88
