"""`compare`: the same batch under a baseline and a reform rule file, worked by hand.

The workbook (built here with openpyxl, English keys as in SPEC §3), calculation year 2016, no ledger:

  A  fee 2016: 400,000       data_line 0.30 x 400,000 = 120,000 -> capped 100,000.00
  B  fee 2016: 100,000       data_line 0.30 x 100,000 = 30,000.00
  C  fee 2016: 600,000       data_line 0.30 x 600,000 = 180,000 -> capped 100,000.00
  D  micro support, fee 400,000: data_line ineligible (二（七）)
  E  spun off, operating since 2015-06-01: 2016-06-01 <= 2016-12-31 -> spin_off 20,000.00
  F  sales 2015: 40 M, 2016: 90 M: first crosses 50 M -> sales_milestone pending (no amount)
  G  sales 2016: 1.2 B: crosses every tier, highest 1 B -> pending (no amount)

  baseline (shipped rules): data_line 100,000 + 30,000 + 100,000 = 230,000; spin_off 20,000;
  total 250,000.00.

Revision "cap" (data_line.annual_cap 150,000 from 2016-01-01, version 2016.1):
  A min(120,000, 150,000) = 120,000.00  gains +20,000.00
  C min(180,000, 150,000) = 150,000.00  gains +50,000.00
  B, D, E, F, G unchanged.  data_line 300,000; total 320,000.00; difference +70,000.00.

Revision "mixed" (version 2016.2), all from 2016-01-01:
  data_line.rate 0.25; spin_off.min_operating_years 2; data_line taken out of
  policy.excluded_by_micro_support; sales_milestone.tiers 50 M (null), 80 M (null), 1 B (1,000,000).
  A 0.25 x 400,000 = 100,000 = the cap -> 100,000.00   unchanged, not listed
  B 0.25 x 100,000 = 25,000.00                         loses -5,000.00
  C 0.25 x 600,000 = 150,000 -> capped 100,000.00       unchanged, not listed
  D micro support no longer excludes data_line: 0.25 x 400,000 = 100,000.00   newly_eligible +100,000.00
  E 2015-06-01 + 2 years = 2017-06-01 > 2016-12-31: ineligible   no_longer_eligible -20,000.00
  F 90 M now first crosses 50 M and 80 M: pending on 80 M, still no money   status_changed 0.00
  G 1.2 B: highest tier 1 B, now 1,000,000 -> payable 1,000,000.00   pending_to_payable +1,000,000.00,
    listed apart from the gains and losses (the baseline's money for it was never known)
  pending lines (no amount, counted by tier): baseline F 50 M and G 1 B; reform F 80 M.
  reform: data_line 100,000 + 25,000 + 100,000 + 100,000 = 325,000; spin_off 0; sales 1,000,000;
  total 1,325,000.00; difference +1,075,000.00 (data_line +95,000, spin_off -20,000, sales +1,000,000).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.core.compare import (
    GAINS,
    LOSES,
    NEWLY_ELIGIBLE,
    NO_LONGER_ELIGIBLE,
    PENDING_TO_PAYABLE,
    STATUS_CHANGED,
    PendingCount,
    paid,
)
from tongnan_calc.core.model import Status
from tongnan_calc.input.uscc import check_char
from tongnan_calc.rules.load import DEFAULT_RULES
from tongnan_calc.shell.run import run_compare
from tongnan_calc.text.messages import measure_label

YEAR = 2016
SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")
MEASURES = ("key_support", "rent", "spin_off", "data_line", "sales_milestone", "demo_priority", "loan_interest")


def uscc(n: int) -> str:
    head = f"91500223MA6CMP{n:03d}"
    return head + check_char(head)


CODES = {key: uscc(n) for n, key in enumerate("ABCDEFG", start=1)}
NAMES = {key: f"潼南比较测试{key}电子商务有限公司" for key in "ABCDEFG"}


def edited(*pairs: tuple[str, str]) -> str:
    text = SHIPPED
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


CAP = "      annual_cap:\n        2015-01-01: 100000\n"
RATE = "      rate:\n        2015-01-01: 0.30\n"
YEARS = "      min_operating_years:\n        2015-01-01: 1\n"
EXCLUDED = "  excluded_by_micro_support: [rent, spin_off, data_line, sales_milestone]"
TIERS = (
    "          - {threshold: 50000000, amount: null}\n"
    "          - {threshold: 100000000, amount: null}\n"
    "          - {threshold: 1000000000, amount: null}\n"
)

CAP_REVISION = edited(('version: "2015.1"', 'version: "2016.1"'), (CAP, CAP + "        2016-01-01: 150000\n"))
MIXED_REVISION = edited(
    ('version: "2015.1"', 'version: "2016.2"'),
    (RATE, RATE + "        2016-01-01: 0.25\n"),
    (YEARS, YEARS + "        2016-01-01: 2\n"),
    (EXCLUDED, "  excluded_by_micro_support: [rent, spin_off, sales_milestone]"),
    (
        TIERS,
        TIERS
        + "        2016-01-01:\n"
        + "          - {threshold: 50000000, amount: null}\n"
        + "          - {threshold: 80000000, amount: null}\n"
        + "          - {threshold: 1000000000, amount: 1000000}\n",
    ),
)


def build_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "enterprises"
    ws.append(["credit_code", "name", "ecommerce_entity", "micro_support", "spun_off", "operating_since"])
    for key in "ABCDEFG":
        ws.append(
            [
                CODES[key],
                NAMES[key],
                "是",
                "是" if key == "D" else "否",
                "是" if key == "E" else "否",
                date(2015, 6, 1) if key == "E" else None,
            ]
        )
    fees = book.create_sheet("data_lines")
    fees.append(["credit_code", "year", "fee_paid"])
    for key, fee in (("A", 400000), ("B", 100000), ("C", 600000), ("D", 400000)):
        fees.append([CODES[key], YEAR, fee])
    sales = book.create_sheet("sales")
    sales.append(["credit_code", "year", "sales"])
    sales.append([CODES["F"], 2015, 40000000])
    sales.append([CODES["F"], 2016, 90000000])
    sales.append([CODES["G"], 2016, 1200000000])
    book.save(path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"workbook": build_workbook(tmp_path / "batch.xlsx")}
    for name, text in (("base", SHIPPED), ("copy", SHIPPED), ("cap", CAP_REVISION), ("mixed", MIXED_REVISION)):
        out[name] = tmp_path / f"rules-{name}.yaml"
        out[name].write_text(text, encoding="utf-8")
    return out


def money(text: str) -> Decimal:
    return Decimal(text)


def zero_by_measure() -> dict[str, Decimal]:
    return dict.fromkeys(MEASURES, Decimal("0.00"))


BASELINE_BY_MEASURE = {**zero_by_measure(), "spin_off": money("20000.00"), "data_line": money("230000.00")}


# --- the computation ---------------------------------------------------------------------------


def test_identical_baseline_and_reform_is_zero_everywhere(files: dict[str, Path]) -> None:
    for reform in (files["base"], files["copy"]):
        before, after, comparison = run_compare(files["workbook"], YEAR, files["base"], reform)
        assert comparison.difference_total == Decimal("0.00")
        assert comparison.difference_by_measure == zero_by_measure()
        assert comparison.changes == ()
        assert comparison.baseline.totals.payable == comparison.reform.totals.payable == money("250000.00")
        assert comparison.baseline.totals.by_measure == BASELINE_BY_MEASURE
        assert [x.status for x in before.lines] == [x.status for x in after.lines]


def test_raising_the_data_line_cap(files: dict[str, Path]) -> None:
    _, _, comparison = run_compare(files["workbook"], YEAR, files["base"], files["cap"])
    assert (comparison.baseline.version, comparison.reform.version) == ("2015.1", "2016.1")
    assert comparison.baseline.totals.payable == money("250000.00")
    assert comparison.reform.totals.payable == money("320000.00")
    assert comparison.difference_total == money("70000.00")
    assert comparison.difference_by_measure == {**zero_by_measure(), "data_line": money("70000.00")}
    assert [
        (c.credit_code, c.measure, paid(c.baseline), paid(c.reform), c.difference, c.change) for c in comparison.changes
    ] == [
        (CODES["A"], "data_line", money("100000.00"), money("120000.00"), money("20000.00"), GAINS),
        (CODES["C"], "data_line", money("100000.00"), money("150000.00"), money("50000.00"), GAINS),
    ]


def test_a_mixed_revision_shows_every_kind_of_change(files: dict[str, Path]) -> None:
    _, _, comparison = run_compare(files["workbook"], YEAR, files["base"], files["mixed"])
    assert comparison.reform.totals.by_measure == {
        **zero_by_measure(),
        "data_line": money("325000.00"),
        "sales_milestone": money("1000000.00"),
    }
    assert comparison.reform.totals.payable == money("1325000.00")
    assert comparison.difference_total == money("1075000.00")
    assert comparison.difference_by_measure == {
        **zero_by_measure(),
        "spin_off": money("-20000.00"),
        "data_line": money("95000.00"),
        "sales_milestone": money("1000000.00"),
    }
    rows = [(c.credit_code, c.measure, c.difference, c.change) for c in comparison.changes]
    assert rows == [
        (CODES["B"], "data_line", money("-5000.00"), LOSES),
        (CODES["D"], "data_line", money("100000.00"), NEWLY_ELIGIBLE),
        (CODES["E"], "spin_off", money("-20000.00"), NO_LONGER_ELIGIBLE),
        (CODES["F"], "sales_milestone", money("0.00"), STATUS_CHANGED),
        (CODES["G"], "sales_milestone", money("1000000.00"), PENDING_TO_PAYABLE),
    ]
    assert [c.credit_code for c in comparison.affected] == [CODES[k] for k in "BDEF"]
    assert [c.credit_code for c in comparison.moves] == [CODES["G"]]
    assert comparison.moved_total == money("1000000.00")
    assert comparison.pending == (
        PendingCount("sales_milestone", Decimal(50000000), 1, 0),
        PendingCount("sales_milestone", Decimal(80000000), 0, 1),
        PendingCount("sales_milestone", Decimal(1000000000), 1, 0),
    )
    by_code = {(c.credit_code, c.measure): c for c in comparison.changes}
    d = by_code[CODES["D"], "data_line"]
    assert (d.baseline.status, d.reform.status) == (Status.INELIGIBLE, Status.PAYABLE)
    f = by_code[CODES["F"], "sales_milestone"]
    assert (f.baseline.status, f.baseline.tier) == (Status.PENDING, Decimal(50000000))
    assert (f.reform.status, f.reform.tier) == (Status.PENDING, Decimal(80000000))
    g = by_code[CODES["G"], "sales_milestone"]
    assert (g.baseline.status, g.reform.status, g.reform.amount) == (
        Status.PENDING,
        Status.PAYABLE,
        money("1000000.00"),
    )


# --- the command: JSON -------------------------------------------------------------------------


def cli(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def compare_json(files: dict[str, Path], reform: str) -> dict[str, Any]:
    result = cli(
        "compare",
        str(files["workbook"]),
        "--year",
        str(YEAR),
        "--baseline",
        str(files["base"]),
        "--reform",
        str(files[reform]),
        "--no-ledger",
        "--json",
        "-",
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def side(version: str, total: str, pending: int = 2, **by_measure: str) -> dict[str, object]:
    return {
        "version": version,
        "total": total,
        "by_measure": {m: by_measure.get(m, "0.00") for m in MEASURES},
        "pending": pending,
    }


def projected(data: dict[str, Any]) -> dict[str, Any]:
    """The fields the issue names (the JSON may carry more: SPEC allows additions)."""
    enterprises = data["enterprises"]
    assert isinstance(enterprises, list)
    keys = ("credit_code", "measure", "baseline", "reform", "difference", "change")
    return {
        "baseline": data["baseline"],
        "reform": data["reform"],
        "difference": data["difference"],
        "enterprises": [{k: e[k] for k in keys} for e in enterprises],
    }


def test_json_of_identical_rules(files: dict[str, Path]) -> None:
    data = compare_json(files, "copy")
    assert {"baseline", "reform", "difference", "enterprises"} <= set(data)
    assert projected(data) == {
        "baseline": side("2015.1", "250000.00", spin_off="20000.00", data_line="230000.00"),
        "reform": side("2015.1", "250000.00", spin_off="20000.00", data_line="230000.00"),
        "difference": {"total": "0.00", "by_measure": dict.fromkeys(MEASURES, "0.00"), "pending_payable": "0.00"},
        "enterprises": [],
    }
    assert data["pending"] == [
        {"measure": "sales_milestone", "tier": "50000000", "baseline": 1, "reform": 1},
        {"measure": "sales_milestone", "tier": "1000000000", "baseline": 1, "reform": 1},
    ]
    assert data["pending_payable"] == []


def test_json_of_the_cap_revision(files: dict[str, Path]) -> None:
    data = compare_json(files, "cap")
    assert projected(data) == {
        "baseline": side("2015.1", "250000.00", spin_off="20000.00", data_line="230000.00"),
        "reform": side("2016.1", "320000.00", spin_off="20000.00", data_line="300000.00"),
        "difference": {
            "total": "70000.00",
            "by_measure": {**dict.fromkeys(MEASURES, "0.00"), "data_line": "70000.00"},
            "pending_payable": "0.00",
        },
        "enterprises": [
            {
                "credit_code": CODES["A"],
                "measure": "data_line",
                "baseline": "100000.00",
                "reform": "120000.00",
                "difference": "20000.00",
                "change": "gains",
            },
            {
                "credit_code": CODES["C"],
                "measure": "data_line",
                "baseline": "100000.00",
                "reform": "150000.00",
                "difference": "50000.00",
                "change": "gains",
            },
        ],
    }


def test_json_of_the_mixed_revision(files: dict[str, Path]) -> None:
    data = compare_json(files, "mixed")
    assert projected(data) == {
        "baseline": side("2015.1", "250000.00", spin_off="20000.00", data_line="230000.00"),
        "reform": side("2016.2", "1325000.00", 1, data_line="325000.00", sales_milestone="1000000.00"),
        "difference": {
            "total": "1075000.00",
            "by_measure": {
                **dict.fromkeys(MEASURES, "0.00"),
                "spin_off": "-20000.00",
                "data_line": "95000.00",
                "sales_milestone": "1000000.00",
            },
            "pending_payable": "1000000.00",
        },
        "enterprises": [
            {"credit_code": CODES["B"], "measure": "data_line", "baseline": "30000.00", "reform": "25000.00",
             "difference": "-5000.00", "change": "loses"},
            {"credit_code": CODES["D"], "measure": "data_line", "baseline": "0.00", "reform": "100000.00",
             "difference": "100000.00", "change": "newly_eligible"},
            {"credit_code": CODES["E"], "measure": "spin_off", "baseline": "20000.00", "reform": "0.00",
             "difference": "-20000.00", "change": "no_longer_eligible"},
            {"credit_code": CODES["F"], "measure": "sales_milestone", "baseline": None, "reform": None,
             "difference": None, "change": "status_changed"},
        ],
    }  # fmt: skip
    # G moved from pending to payable: listed apart, its pending side without an amount
    g = {k: data["pending_payable"][0][k] for k in ("credit_code", "baseline", "reform", "difference", "change")}
    assert g == {"credit_code": CODES["G"], "baseline": None, "reform": "1000000.00", "difference": "1000000.00",
                 "change": "pending_to_payable"}  # fmt: skip
    assert len(data["pending_payable"]) == 1
    f = data["enterprises"][3]
    assert (f["baseline_tier"], f["reform_tier"]) == ("50000000", "80000000")
    assert data["pending"] == [
        {"measure": "sales_milestone", "tier": "50000000", "baseline": 1, "reform": 0},
        {"measure": "sales_milestone", "tier": "80000000", "baseline": 0, "reform": 1},
        {"measure": "sales_milestone", "tier": "1000000000", "baseline": 1, "reform": 0},
    ]
    # every amount is a string with two decimals, or null for a pending side
    for entry in data["enterprises"] + data["pending_payable"]:
        for key in ("baseline", "reform", "difference"):
            assert entry[key] is None or (isinstance(entry[key], str) and len(entry[key].split(".")[1]) == 2)
    # the extra fields say what became of the line
    statuses = [(e["baseline_status"], e["reform_status"]) for e in data["enterprises"]]
    assert statuses == [
        ("payable", "payable"),
        ("ineligible", "payable"),
        ("payable", "ineligible"),
        ("pending", "pending"),
    ]


def test_json_to_a_file_and_the_table_on_the_terminal(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "impact.json"
    result = cli(
        "compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
        "--reform", str(files["cap"]), "--no-ledger", "--json", str(out), "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["difference"]["total"] == "70000.00"
    assert "Budget impact of the revision, 2016" in result.stdout
    assert "+70,000.00" in result.stdout
    assert f"JSON: {out}" in result.stdout


# --- the command: the workbook of differences ------------------------------------------------------


def test_out_workbook(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "impact.xlsx"
    result = cli(
        "compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
        "--reform", str(files["mixed"]), "--no-ledger", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "企业变化", "待定", "待定与应付"]
    sheets = (("汇总", "portrait"), ("企业变化", "landscape"), ("待定", "portrait"), ("待定与应付", "landscape"))
    for sheet, orientation in sheets:  # every sheet prints on A4, one page wide
        ws = book[sheet]
        setup = (
            ws.page_setup.paperSize,
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth or 1,  # absent: 1, the default of ECMA-376 (xlsxwriter leaves it out)
            ws.page_setup.fitToHeight,
        )
        assert setup == (9, orientation, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    for sheet in ("企业变化", "待定", "待定与应付"):  # the header row repeats on every page
        assert book[sheet].print_title_rows in ("1:1", "$1:$1")
    summary = book["汇总"]
    assert [c.value for c in summary[1]] == ["措施", "基准", "修订", "差额", "基准待定（行）", "修订待定（行）"]
    rows = {summary.cell(r, 1).value: r for r in range(2, summary.max_row + 1)}
    assert list(rows)[:7] == [measure_label(m, "zh") for m in MEASURES]
    assert list(rows)[1] == "办公用房租金补助（rent）"  # the Chinese name, the id for the analyst who types it
    rows = {m: rows[measure_label(m, "zh")] for m in MEASURES} | rows
    data_row = rows["data_line"]
    assert summary.cell(data_row, 2).value == 230000
    assert summary.cell(data_row, 3).value == 325000
    assert summary.cell(data_row, 4).value == f"=C{data_row}-B{data_row}"
    for col in (2, 3, 4):
        assert summary.cell(data_row, col).number_format == "#,##0.00"
    assert isinstance(summary.cell(rows["spin_off"], 2).value, (int, float))
    total = rows["合计"]
    assert [summary.cell(total, c).value for c in (2, 3, 4, 5, 6)] == [
        "=SUM(B2:B8)",
        "=SUM(C2:C8)",
        "=SUM(D2:D8)",
        "=SUM(E2:E8)",
        "=SUM(F2:F8)",
    ]
    sales_row = rows["sales_milestone"]
    assert [summary.cell(sales_row, c).value for c in (5, 6)] == [2, 1]  # pending lines: F and G, then F
    assert summary.cell(rows["其中待定与应付之间转换的行"], 4).value == 1000000
    assert [summary.cell(rows["基准规则版本"], 2).value, summary.cell(rows["修订规则版本"], 2).value] == [
        "2015.1",
        "2016.2",
    ]
    detail = book["企业变化"]
    header = [c.value for c in detail[1]]
    assert header[:7] == [
        "统一社会信用代码",
        "企业名称",
        "措施",
        "变化",
        "基准金额（元）",
        "修订后金额（元）",
        "差额（元）",
    ]
    assert header[7:9] == ["基准状态", "修订后状态"]
    body = [[c.value for c in row][:9] for row in detail.iter_rows(min_row=2)]
    assert body == [
        [CODES["B"], NAMES["B"], "数据专线补贴（data_line）", "减少", 30000, 25000, -5000, "30,000.00", "25,000.00"],
        [CODES["D"], NAMES["D"], "数据专线补贴（data_line）", "新符合条件", 0, 100000, 100000, "不符合条件",
         "100,000.00"],
        [CODES["E"], NAMES["E"], "分离设立一次性奖励（spin_off）", "不再符合条件", 20000, 0, -20000, "20,000.00",
         "不符合条件"],
        [CODES["F"], NAMES["F"], "销售额突破奖励（sales_milestone）", "状态改变", None, None, None,
         "待定（档次 50000000）", "待定（档次 80000000）"],
    ]  # fmt: skip
    for row in list(detail.iter_rows(min_row=2))[:3]:
        for cell in row[4:7]:
            assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    pending = book["待定"]
    assert [[c.value for c in row] for row in pending.iter_rows()] == [
        ["措施", "档次（元）", "基准（行）", "修订（行）"],
        ["销售额突破奖励（sales_milestone）", "50000000", 1, 0],
        ["销售额突破奖励（sales_milestone）", "80000000", 0, 1],
        ["销售额突破奖励（sales_milestone）", "1000000000", 1, 0],
    ]
    moves = [[c.value for c in row][:9] for row in book["待定与应付"].iter_rows(min_row=2)]
    assert moves == [
        [CODES["G"], NAMES["G"], "销售额突破奖励（sales_milestone）", "由待定转为应付", None, 1000000, 1000000,
         "待定（档次 1000000000）", "1,000,000.00"],
    ]  # fmt: skip


def test_out_workbook_refuses_to_overwrite_without_force(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "impact.xlsx"
    out.write_bytes(b"keep me")
    args = ["compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
            "--reform", str(files["cap"]), "--no-ledger", "--out", str(out)]  # fmt: skip
    result = cli(*args)
    assert result.exit_code == 2
    assert out.read_bytes() == b"keep me"
    assert cli(*args, "--force").exit_code == 0


# --- refusals ----------------------------------------------------------------------------------------


def test_an_invalid_reform_is_refused_with_file_and_line(files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = edited(("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"))
    broken.write_text(text, encoding="utf-8")
    line = text[: text.index("        2015-01-01: 30\n")].count("\n") + 1
    result = cli("compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
                 "--reform", str(broken), "--no-ledger", "--lang", "en")  # fmt: skip
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {broken}:{line}: data_line.rate from 2015-01-01: rate 30 is above 1: write 30% as 0.3\n"
    )


def test_input_errors_are_listed_and_exit_1(files: dict[str, Path], tmp_path: Path) -> None:
    book = openpyxl.load_workbook(files["workbook"])
    leases = book.create_sheet("leases")
    leases.append(["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"])
    leases.append([CODES["A"], "Y", -120, date(2016, 1, 1), date(2016, 12, 31), 36600])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    result = cli("compare", str(bad), "--year", "2016", "--baseline", str(files["base"]),
                 "--reform", str(files["cap"]), "--no-ledger")  # fmt: skip
    assert "area_m2" in result.output
    assert result.exit_code == 1


# --- pending lines in the terminal ----------------------------------------------------------------------


def test_the_terminal_counts_pending_lines_and_lists_moves_apart(files: dict[str, Path]) -> None:
    args = ["compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
            "--reform", str(files["mixed"]), "--no-ledger"]  # fmt: skip
    zh, en = cli(*args), cli(*args, "--lang", "en")
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    # the baseline has F (50 M) and G (1 B) pending, the reform F (80 M): counted, never given an amount
    assert "待定的行没有金额，不计入以上合计：基准 2 行，修订 1 行\n" in zh.stdout
    assert "pending lines have no amount and are not in the totals above: 2 in the baseline, 1 in the reform\n" in (
        en.stdout
    )
    assert "合计差额中 +1,000,000.00 来自在待定与应付之间转换的行（见下表），不是按同一标准的增减\n" in zh.stdout
    assert (
        "of the total difference, +1,000,000.00 comes from lines moving between pending and payable (below),"
        " not a gain or a loss on a like basis\n" in en.stdout
    )
    rows = [" ".join(line.replace("│", " ").split()) for line in en.stdout.splitlines()]
    assert "sales_milestone 50000000 1 0" in rows
    assert "sales_milestone 80000000 0 1" in rows
    assert "sales_milestone 1000000000 1 0" in rows
    assert (
        f"{NAMES['F']} {CODES['F']} sales_milestone status_changed pending (tier 50000000) pending (tier 80000000) —"
        in rows
    )
    assert f"{NAMES['G']} {CODES['G']} sales_milestone pending (tier 1000000000) 1,000,000.00" in rows
    # G is not among the gains
    assert not any(row.startswith(NAMES["G"]) and "gains" in row for row in rows)
    # in Chinese: the measures' and statuses' names, the tier in words; codes and amounts whole
    zh_rows = [" ".join(line.replace("│", " ").split()) for line in zh.stdout.splitlines()]
    assert "销售额突破奖励（sales_milestone） 80000000 0 1" in zh_rows
    assert (
        f"{NAMES['F']} {CODES['F']} 销售额突破奖励（sales_milestone） 状态改变 待定（档次 50000000） 待定（档次 80000000） —"
        in zh_rows
    )
    assert (
        f"{NAMES['D']} {CODES['D']} 数据专线补贴（data_line） 新符合条件 不符合条件 100,000.00 +100,000.00" in zh_rows
    )
    assert (
        f"{NAMES['G']} {CODES['G']} 销售额突破奖励（sales_milestone） 待定（档次 1000000000） 1,000,000.00" in zh_rows
    )


# --- the version must change when the content changes ----------------------------------------------------


def test_same_version_different_content_is_refused(files: dict[str, Path], tmp_path: Path) -> None:
    same = tmp_path / "same-version.yaml"
    same.write_text(CAP_REVISION.replace('version: "2016.1"', 'version: "2015.1"'), encoding="utf-8")
    import hashlib

    before = hashlib.sha256(files["base"].read_bytes()).hexdigest()
    after = hashlib.sha256(same.read_bytes()).hexdigest()
    args = ["compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
            "--reform", str(same), "--no-ledger"]  # fmt: skip
    zh, en = cli(*args), cli(*args, "--lang", "en")
    assert zh.exit_code == en.exit_code == 2
    assert zh.stderr == (
        f"错误：基准 {files['base']} 与修订 {same} 的版本都是“2015.1”，但内容不同（sha256 分别为 {before} 和 {after}）："
        "内容改变时版本必须随之改变，请为修订写上新的版本\n"
    )
    assert en.stderr == (
        f"error: the baseline {files['base']} and the reform {same} are both version '2015.1' but differ"
        f" (sha256 {before} and {after}): the version must change when the content changes,"
        " give the revision its own\n"
    )


def test_same_version_same_content_with_other_comments_is_compared(files: dict[str, Path], tmp_path: Path) -> None:
    commented = tmp_path / "commented.yaml"
    commented.write_text("# a copy with a comment more\n" + SHIPPED, encoding="utf-8")
    _, _, comparison = run_compare(files["workbook"], YEAR, files["base"], commented)
    assert comparison.changes == () and comparison.difference_total == Decimal("0.00")


# --- a reform written as an overlay -----------------------------------------------------------------------


def test_an_overlay_reform_is_merged_onto_the_baseline(files: dict[str, Path], tmp_path: Path) -> None:
    overlay = tmp_path / "cap-overlay.yaml"
    overlay.write_text(
        'base: "2015.1"\nversion: "2016.1"\nmeasures:\n  data_line:\n    params:\n'
        "      annual_cap:\n        2016-01-01: 150000\n",
        encoding="utf-8",
    )
    _, after, comparison = run_compare(files["workbook"], YEAR, files["base"], overlay)
    _, whole, _ = run_compare(files["workbook"], YEAR, files["base"], files["cap"])
    # the same revision as the whole file CAP_REVISION: A +20,000 and C +50,000
    assert comparison.difference_total == money("70000.00")
    assert [(c.credit_code, c.difference) for c in comparison.changes] == [
        (CODES["A"], money("20000.00")),
        (CODES["C"], money("50000.00")),
    ]
    assert after.lines == whole.lines


def test_an_overlay_of_another_version_is_refused_with_its_line(files: dict[str, Path], tmp_path: Path) -> None:
    overlay = tmp_path / "old-overlay.yaml"
    overlay.write_text('version: "2016.5"\nbase: "2016.1"\n', encoding="utf-8")
    args = ["compare", str(files["workbook"]), "--year", "2016", "--baseline", str(files["base"]),
            "--reform", str(overlay), "--no-ledger"]  # fmt: skip
    zh, en = cli(*args), cli(*args, "--lang", "en")
    assert zh.exit_code == en.exit_code == 2
    assert (
        zh.stderr == f"错误：{overlay}:2: base：此修订文件适用于版本“2016.1”，但基准 {files['base']} 的版本是“2015.1”\n"
    )
    assert en.stderr == (
        f"error: {overlay}:2: base: this overlay applies to version '2016.1', but the baseline {files['base']}"
        " is version '2015.1'\n"
    )
