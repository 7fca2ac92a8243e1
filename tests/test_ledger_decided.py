"""Decided amounts (issue 13, SPEC §6): a reviewer fills 核定金额 and 核定依据 on a pending line of the
payout workbook (sheet 待定); `ledger record` records it as a payout with that decision, under the
same one-time and cap checks as a payable line; the check value covers what the tool wrote, not the
reviewer's columns; next year's run treats it as any payout."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from ledger_helpers import RUN, RunInfo, code, new_ledger, write_history, write_payout
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.ledger import LedgerError, import_history, list_entries, read_prior, record_payout
from tongnan_calc.report.layout import PENDING, PENDING_COLUMNS
from tongnan_calc.report.seal import pending_seal

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
E08 = "91500223MA608P296D"  # the example's enterprise whose sales first cross 50 million in 2016 (pending)
B = code(7)
T50 = 50_000_000

# (credit_code, measure, tier, decided amount, decision)
Pending = tuple[str, str, int | None, object, object]


def add_pending(path: Path, rows: list[Pending], *, run: RunInfo = RUN, seal_of: dict[int, str] | None = None) -> Path:
    """Sheet 待定 as `run` writes it (PENDING_COLUMNS, the pending check value), the reviewer's columns filled."""
    book = load_workbook(path)
    sheet = book.create_sheet(PENDING[0])
    sheet.append([c.zh for c in PENDING_COLUMNS])
    for n, (credit_code, measure, tier, decided, decision) in enumerate(rows, start=2):
        check = pending_seal(
            year=run.year,
            rules_sha256=run.rules_sha256,
            input_sha256=run.input_sha256,
            credit_code=credit_code,
            measure=measure,
            tier=None if tier is None else Decimal(tier),
        )
        check = (seal_of or {}).get(n, check)
        cells = {
            "credit_code": credit_code,
            "name": "测试企业",
            "measure_name": "销售额突破奖励",
            "clause": "二（五）",
            "status": "待定",
            "tier": tier,
            "responsible": "区商务局",
            "reason": "依据",
            "measure": measure,
            "seal": check,
            "decided_amount": decided,
            "decided_basis": decision,
        }
        sheet.append([cells.get(c.key) for c in PENDING_COLUMNS])
    book.save(path)
    return path


def payout_with_pending(tmp_path: Path, rows: list[Pending], **options: object) -> Path:
    return add_pending(write_payout(tmp_path / "payout-2016.xlsx", []), rows, **options)  # type: ignore[arg-type]


def refusal(action: object) -> LedgerError:
    assert callable(action)
    with pytest.raises(LedgerError) as caught:
        action()
    return caught.value


# --- recorded ------------------------------------------------------------------------------------------


def test_a_decided_amount_is_recorded_with_its_decision(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    workbook = payout_with_pending(
        tmp_path,
        [
            (B, "sales_milestone", T50, "30,000.50", "区商务局 2017 年第 3 次会议纪要"),
            (code(8), "sales_milestone", T50, None, None),  # not decided: not recorded
        ],
    )

    report = record_payout(db, workbook)
    again = record_payout(db, workbook)

    assert (report.added, report.decided_added, report.amount_added) == (1, 1, Decimal("30000.50"))
    (entry,) = list_entries(db)
    assert (entry.credit_code, entry.year, entry.measure, entry.tier, entry.amount, entry.reason) == (
        B,
        2016,
        "sales_milestone",
        Decimal(T50),
        Decimal("30000.50"),
        "区商务局 2017 年第 3 次会议纪要",
    )
    assert (again.added, again.already_recorded) == (0, 1)  # recording twice adds nothing


def test_the_summary_and_the_list_name_the_decision(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    workbook = payout_with_pending(tmp_path, [(B, "sales_milestone", T50, 30000, "会议纪要 3")])
    runner = CliRunner()

    zh = runner.invoke(app, ["ledger", "record", str(workbook), "--ledger", str(db)], env={"COLUMNS": "300"})
    listed = runner.invoke(app, ["ledger", "list", "--ledger", str(db), "--lang", "en"], env={"COLUMNS": "300"})

    assert zh.stdout == (
        f"已将 {workbook} 中 2016 年度的 1 笔发放（30,000.00 元）记入台账 {db}（其中 1 笔为待定行的核定金额）\n"
    )
    assert f"record {workbook} row 2; decision: 会议纪要 3" in listed.stdout


def test_the_reviewers_columns_are_not_sealed_but_the_line_is(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    workbook = payout_with_pending(tmp_path, [(B, "sales_milestone", T50, 30000, "纪要")])
    book = load_workbook(workbook)
    book[PENDING[0]].cell(row=2, column=1).value = code(9)  # another enterprise: not the line the tool wrote
    book.save(workbook)

    error = refusal(lambda: record_payout(db, workbook))

    assert error.say.zh == (
        f"{workbook}：工作表 待定 第2行在 tongnan-calc 生成后被改动过或不是其生成的行"
        "（校验码与统一社会信用代码、措施、档次不符）：只有 tongnan-calc 写出的待定行可以填写核定金额；未记录任何发放"
    )
    assert error.say.en == (
        f"{workbook}: sheet 待定 row 2 was changed after tongnan-calc wrote it or was not written by it"
        " (the check value 校验码 does not match the credit code, measure and tier):"
        " only a pending line tongnan-calc wrote can take a decided amount; nothing was recorded"
    )
    assert read_prior(db).entries == 0


@pytest.mark.parametrize(
    ("decided", "decision", "column", "zh", "en"),
    [
        (
            "abc",
            "纪要",
            "核定金额(decided_amount)",
            "应为金额，如 1,234.50，实际为“abc”",
            "expected an amount such as 1,234.50, got 'abc'",
        ),
        (
            -5,
            "纪要",
            "核定金额(decided_amount)",
            "应为不小于 0 的金额，实际为-5",
            "expected an amount of 0 or more, got -5",
        ),
        (
            "100.005",
            "纪要",
            "核定金额(decided_amount)",
            "应为最多两位小数的金额，实际为“100.005”",
            "expected an amount with at most two decimals, got '100.005'",
        ),
        (
            0,
            "纪要",
            "核定金额(decided_amount)",
            "应为大于 0 的核定金额（不发放时请留空），实际为0",
            "expected a decided amount above 0 (leave 核定金额 blank when nothing is paid), got 0",
        ),
        (
            1000,
            None,
            "核定依据(decided_basis)",
            "填写了核定金额，须写明核定依据（如会议纪要、批复文号）",
            "a decided amount needs its decision basis",
        ),
    ],
)
def test_a_bad_decided_amount_is_refused_with_sheet_and_row(
    tmp_path: Path, decided: object, decision: object, column: str, zh: str, en: str
) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    workbook = payout_with_pending(
        tmp_path, [(B, "sales_milestone", T50, None, None), (code(8), "sales_milestone", T50, decided, decision)]
    )

    error = refusal(lambda: record_payout(db, workbook))

    en_column = column.replace("(", " (")
    assert error.say.zh == f"{workbook}：工作表 待定 第3行 {column}列：{zh}；未记录任何发放"
    assert error.say.en == f"{workbook}: sheet 待定 row 3 column {en_column}: {en}; nothing was recorded"
    assert read_prior(db).entries == 0


# --- the same one-time and cap checks as a payable line ------------------------------------------------------


def test_a_decided_tier_already_paid_in_another_year_is_refused(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    import_history(db, write_history(tmp_path / "history.xlsx", [(B, 2015, "sales_milestone", T50, 500000)]))
    workbook = payout_with_pending(tmp_path, [(B, "sales_milestone", T50, 30000, "纪要")])

    error = refusal(lambda: record_payout(db, workbook))

    assert error.say.en == (
        f"{workbook}: sheet 应付明细 would pay the same sales_milestone tier, a one-time reward (二（五）), a second"
        f" time: pending row 2 {B} tier {T50} (already paid for 2015, entry 1); nothing was recorded"
    )
    assert error.say.zh == (
        f"{workbook}：工作表 应付明细 将再次发放一次性奖励 sales_milestone 的同一档次（二（五））："
        f"待定 第2行 {B} 档次 {T50}（已按2015年度发放，条目 1）；未记录任何发放"
    )
    assert read_prior(db).entries == 1


def test_a_decided_loan_interest_above_the_lifetime_cap_is_refused(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    import_history(db, write_history(tmp_path / "history.xlsx", [(B, 2015, "loan_interest", None, 450000)]))
    workbook = payout_with_pending(tmp_path, [(B, "loan_interest", None, "50000.01", "纪要")])

    error = refusal(lambda: record_payout(db, workbook))

    assert error.say.en == (
        f"{workbook}: sheet 应付明细 would pay loan_interest above the cap per enterprise (二（六）):"
        f" pending row 2 {B} (500000.01 in total up to 2016, cap 500000.00); nothing was recorded"
    )
    assert read_prior(db).entries == 1


# --- the payout workbook `run` writes, and next year's run -------------------------------------------------


def test_the_pending_lines_run_writes_take_a_decided_amount(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    out = tmp_path / "payout-2016.xlsx"
    runner = CliRunner()
    runner.invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--ledger", str(db), "--out", str(out)])
    book = load_workbook(out)
    sheet = book[PENDING[0]]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["核定金额", "核定依据"]  # the writer leaves the reviewer's columns blank
    code_column = header.index("统一社会信用代码") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=code_column).value == E08)
    sheet.cell(row=row, column=header.index("核定金额") + 1).value = 30000
    sheet.cell(row=row, column=header.index("核定依据") + 1).value = "区政府常务会议纪要〔2017〕3号"
    book.save(out)

    report = record_payout(db, out, example=True)

    assert (report.added, report.decided_added) == (11, 1)
    decided = [e for e in list_entries(db) if e.reason]
    assert [(e.credit_code, e.measure, e.tier, e.amount) for e in decided] == [
        (E08, "sales_milestone", Decimal(T50), Decimal("30000.00"))
    ]


def later_batch(path: Path) -> Path:
    """2017 alone: B's sales are above 50 million, and no earlier year is on record."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "enterprises"
    sheet.append(["credit_code", "name", "ecommerce_entity", "spun_off", "operating_since"])
    sheet.append([B, "潼南测试电子商务有限公司", "是", "否", date(2014, 3, 1)])
    sales = book.create_sheet("sales")
    sales.append(["credit_code", "year", "sales"])
    sales.append([B, 2017, 62_500_000])
    book.save(path)
    return path


def milestone_2017(result: Result) -> tuple[str, object]:
    line = next(e for e in json.loads(result.stdout)["entitlements"] if e["measure"] == "sales_milestone")
    return line["status"], line.get("tier")


def test_next_years_run_counts_a_decided_amount_as_paid(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    batch = later_batch(tmp_path / "batch-2017.xlsx")
    runner = CliRunner()
    before = runner.invoke(app, ["run", str(batch), "--year", "2017", "--ledger", str(db), "--json", "-"])
    record_payout(db, payout_with_pending(tmp_path, [(B, "sales_milestone", T50, 30000, "纪要")]))
    after = runner.invoke(app, ["run", str(batch), "--year", "2017", "--ledger", str(db), "--json", "-"])

    assert milestone_2017(before)[0] == "pending"  # without the decision, the tier looks first crossed
    assert milestone_2017(after)[0] == "ineligible"  # decided and recorded for 2016: paid
