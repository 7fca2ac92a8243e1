"""``tongnan-calc explain``: one enterprise's computation, measure by measure.

The rent case below crosses the first anniversary and the area cap; its intervals
and amounts were worked out by hand from the notice (二（二）) and SPEC §4, not
copied from the program's output.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from factories import CODE, CODE_B
from ledger_helpers import new_ledger as init_ledger_at
from typer.testing import CliRunner

from tongnan_calc.clerk.duties import MEASURE_TEXT
from tongnan_calc.clerk.explain import Explanation, Interval, explain_run
from tongnan_calc.cli.app import app
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.ledger import import_history
from tongnan_calc.report.layout import BASIS, LINE_COLUMNS
from tongnan_calc.report.xlsx import SHEET_FOR_STATUS, write_payout_workbook
from tongnan_calc.shell import run as runner
from tongnan_calc.text.basis import basis_lines, param_value, step_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
WIDE = {"COLUMNS": "240", "TONGNAN_LEDGER": ""}  # no ledger (none in the working folder)

# --- the rent case ------------------------------------------------------------------------
#
# Settled 2016-04-15: first anniversary 2017-04-15, second 2018-04-15.  Year 2017: every
# day of 2017 is within the two years; 60% before 2017-04-15, 30% from it.
#
#   row 2  lease A  planned   2017-01-01..2017-12-31  365 days  365,000  -> 1,000 a day, 1,500 m²
#   row 3  lease B  planned   2017-03-01..2017-08-31  184 days   92,000  ->   500 a day, 1,000 m²
#          (Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 = 184)
#   row 4  lease C  NOT planned, 2017 full year: not counted
#
# The year is cut at 2017-03-01 (B starts), 2017-04-15 (anniversary), 2017-09-01 (B ended):
#
#   2017-01-01..02-28   59 days (31 + 28)        A       rent  59,000  area 1,500  factor 1    60%  35,400
#   2017-03-01..04-14   45 days (31 + 14)        A, B    rent  45 × 1,500 = 67,500
#                                                        area 2,500 > 2,000: factor 2000/2500 = 0.8
#                                                        67,500 × 0.8 × 0.6 = 32,400
#   2017-04-15..08-31  139 days (16+31+30+31+31) A, B    rent 139 × 1,500 = 208,500, factor 0.8, 30%
#                                                        208,500 × 0.8 × 0.3 = 50,040
#   2017-09-01..12-31  122 days (30+31+30+31)    A       rent 122,000  area 1,500  factor 1    30%  36,600
#
#   days 59 + 45 + 139 + 122 = 365; B's days 45 + 139 = 184.
#   total 35,400 + 32,400 + 50,040 + 36,600 = 154,440.00 (exact, nothing to round)

HAND_INTERVALS = [
    # start, end, days, lease rows, rent, area, factor, rate, subsidy
    ("2017-01-01", "2017-02-28", 59, "2", "59000", "1500", "1", "0.6", "35400"),
    ("2017-03-01", "2017-04-14", 45, "2,3", "67500", "2500", "0.8", "0.6", "32400"),
    ("2017-04-15", "2017-08-31", 139, "2,3", "208500", "2500", "0.8", "0.3", "50040"),
    ("2017-09-01", "2017-12-31", 122, "2", "122000", "1500", "1", "0.3", "36600"),
]
HAND_TOTAL = Decimal("154440.00")
PRIOR_RENT_2016 = Decimal("41234.56")  # a payout recorded in the ledger for 2016 (read, not used by rent)


def write_rent_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "enterprises"
    ws.append(["credit_code", "name", "ecommerce_entity", "settled_on"])
    ws.append([CODE, "潼南周年电子商务有限公司", "是", "2016-04-15"])
    ws.append([CODE_B, "潼南另一电子商务有限公司", "是", "2016-05-01"])
    leases = book.create_sheet("leases")
    leases.append(["credit_code", "building", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"])
    leases.append([CODE, "潼南电子商务大厦A座", "是", 1500, "2017-01-01", "2017-12-31", 365000])
    leases.append([CODE, "潼南电子商务大厦B座", "是", 1000, "2017-03-01", "2017-08-31", 92000])
    leases.append([CODE, "临街门面", "否", 300, "2017-01-01", "2017-12-31", 50000])
    book.save(path)
    return path


def write_ledger(tmp_path: Path) -> Path:
    history = tmp_path / "history.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "payouts"
    ws.append(["credit_code", "year", "measure", "tier", "amount"])
    ws.append([CODE, 2016, "rent", None, str(PRIOR_RENT_2016)])
    ws.append([CODE_B, 2016, "rent", None, "1000"])
    book.save(history)
    ledger = init_ledger_at(tmp_path / "ledger.sqlite")
    import_history(ledger, history)
    return ledger


def explanation_of(workbook: Path, year: int, code: str, ledger: Path | None = None, lang: str = "zh") -> Explanation:
    rules = runner.load(None)
    inputs = runner.read_inputs(workbook, year, ledger)
    result = runner.compute(inputs, year, rules)
    found = explain_run(result, inputs.prior, code, "en" if lang == "en" else "zh")
    assert found is not None
    return found


def test_rent_across_the_anniversary_worked_by_hand(tmp_path: Path) -> None:
    workbook = write_rent_workbook(tmp_path / "in.xlsx")
    expl = explanation_of(workbook, 2017, CODE, write_ledger(tmp_path))
    rent = next(m for m in expl.measures if m.measure == "rent")
    assert rent.status is Status.PAYABLE
    assert rent.amount == HAND_TOTAL
    assert [
        (i.start.isoformat(), i.end.isoformat(), i.days, i.lease_rows, i.rent, i.area_m2, i.factor, i.rate, i.subsidy)
        for i in rent.intervals
    ] == HAND_INTERVALS
    assert sum(i.days for i in rent.intervals) == 365
    assert sum(Decimal(i.subsidy) for i in rent.intervals) == HAND_TOTAL
    # the values used, with the date each took effect
    assert [(p.name, p.value, p.effective, p.clause) for p in rent.params] == [
        ("rates", "[0.6, 0.3]", date(2015, 1, 1), "二（二）"),
        ("area_cap_m2", "2000", date(2015, 1, 1), "二（二）"),
    ]
    # the cap bit on the two middle intervals only
    (cap,) = rent.caps
    assert (cap.name, cap.applied) == ("area_cap_m2", True)
    assert "2017-03-01–2017-04-14 ×0.8" in cap.detail and "2017-04-15–2017-08-31 ×0.8" in cap.detail
    assert "2017-01-01–2017-02-28" not in cap.detail
    # one rounding, at the end
    assert rent.rounding is not None
    assert (rent.rounding.exact, rent.rounding.rounded) == ("154440", "154440.00")
    # every condition holds; the unplanned lease is named as not counted
    assert all(c.met for c in rent.conditions), rent.conditions
    assert any("计入 2 行（行 2,3）；非规划商务楼宇 1 行" in c.seen for c in rent.conditions)
    assert any("2017年在落户后前两年内（2016-04-15 至 2018-04-14）" in c.text for c in rent.conditions)
    # the notice's words, and 二（七） which the measure must also satisfy
    assert rent.notice_text == MEASURE_TEXT["rent"]
    assert "前两年分别按租金的60%和30%予以补助" in rent.notice_text
    assert "享受微企扶持的不再享受上述优惠政策" in rent.stacking_text
    # the prior payouts read from the ledger: this enterprise's only
    assert [(p.year, p.measure, p.amount) for p in expl.prior] == [(2016, "rent", PRIOR_RENT_2016)]
    assert [(p.year, p.amount) for p in rent.prior] == [(2016, PRIOR_RENT_2016)]
    assert expl.sources is not None and expl.sources.prior_read == 2
    # the basis is the line's basis: what the payout workbook's 计算依据 column holds
    assert "2017-03-01至2017-04-14（45天）：租赁第2,3行；租金67500；面积2500平方米，折算系数0.8；比例0.6；" \
        "补助32400" in rent.basis_lines  # fmt: skip
    assert expl.total_payable == HAND_TOTAL
    assert {m.measure for m in expl.measures} == set(MEASURES)


def test_rent_across_the_anniversary_on_the_command_line(tmp_path: Path) -> None:
    workbook = write_rent_workbook(tmp_path / "in.xlsx")
    ledger = write_ledger(tmp_path)
    typed = " " + CODE.lower()[:9] + " " + CODE.lower()[9:] + " "  # as a clerk might paste it
    result = CliRunner().invoke(
        app, ["explain", typed, str(workbook), "--year", "2017", "--ledger", str(ledger)], env=WIDE
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"潼南周年电子商务有限公司（{CODE}）2017年度计算说明" in out
    for start, end, days, rows, rent, area, factor, rate, subsidy in HAND_INTERVALS:
        pattern = rf"{start}\s+{end}\s+{days}\s+{rows}\s+{rent}\s+{area}\s+{factor}\s+{rate}\s+{subsidy}\s"
        assert re.search(pattern, out), pattern
    assert "二（二） 办公用房租金补助（rent） · 新落户企业办公用房租金补助  应付 154,440.00" in out
    assert "area_cap_m2 = 2000 (2015-01-01): 已适用" in out
    assert "精确值 154440 → 四舍五入至0.01元：154440.00" in out
    assert re.search(r"rates\s+\[0\.6, 0\.3\]\s+二（二）\s+2015-01-01", out)
    assert re.search(r"2016[\s│]+办公用房租金补助（rent）[\s│]+41,234\.56", out)  # the prior payout, from the ledger
    assert f"{ledger}（本企业以往发放 1 条）" in out
    assert "“新落户区内的电子商务企业租用规划商务楼宇作办公用房的" in out
    assert re.search(r"应付合计[\s│]+154,440\.00", out)


def test_english(tmp_path: Path) -> None:
    workbook = write_rent_workbook(tmp_path / "in.xlsx")
    result = CliRunner().invoke(
        app, ["explain", CODE, str(workbook), "--year", "2017", "--no-ledger", "--lang", "en"], env=WIDE
    )
    assert result.exit_code == 0, result.output
    assert "How 2017 was computed for 潼南周年电子商务有限公司" in result.stdout
    assert "rent intervals" in result.stdout
    assert "NO LEDGER" in result.stdout
    assert "exact 154440 → half up to 0.01 yuan: 154440.00" in result.stdout


def test_the_enterprise_cap_less_a_prior_payout_from_the_ledger(tmp_path: Path) -> None:
    """E10 of the example: 107,111.11 of subsidy in 2016 (examples/README.md), but 450,000 already paid
    for 2015 leaves 500,000 - 450,000 = 50,000 of the lifetime cap: 50,000.00 is paid."""
    from test_example import code as example_code

    e10 = example_code("E10")
    history = tmp_path / "history.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "payouts"
    ws.append(["credit_code", "year", "measure", "tier", "amount"])
    ws.append([e10, 2015, "loan_interest", None, "450000"])
    ws.append([e10, 2016, "loan_interest", None, "1"])  # the calculation year itself: not prior
    book.save(history)
    ledger = init_ledger_at(tmp_path / "ledger.sqlite")
    import_history(ledger, history, example=True)  # the example's enterprise E10: a scratch ledger
    expl = explanation_of(EXAMPLE, 2016, e10, ledger)
    loan = next(m for m in expl.measures if m.measure == "loan_interest")
    assert (loan.status, loan.amount) == (Status.PAYABLE, Decimal("50000.00"))
    assert [(p.year, p.amount) for p in loan.prior] == [(2015, Decimal("450000"))]
    (cap,) = loan.caps
    assert (cap.name, cap.value, cap.applied) == ("enterprise_cap", "500000", True)
    assert "50000" in cap.detail
    assert loan.conditions[-1].met is True and "450000" in loan.conditions[-1].seen
    assert loan.rounding is not None and loan.rounding.rounded == "50000.00"


# --- refusals ----------------------------------------------------------------------------------


def test_a_code_not_in_the_workbook_exits_2_with_one_line(tmp_path: Path) -> None:
    workbook = write_rent_workbook(tmp_path / "in.xlsx")
    absent = "92500223MA5YP6HC1K"
    args = ["explain", absent.lower(), str(workbook), "--year", "2017"]
    result = CliRunner().invoke(app, [*args, "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: credit code {absent} is not in enterprises of {workbook}\n"
    result = CliRunner().invoke(app, args, env=WIDE)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"错误：{workbook} 的企业信息表中没有统一社会信用代码 {absent}\n"


def test_a_dropped_enterprise_row_says_why(tmp_path: Path) -> None:
    workbook = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "enterprises"
    ws.append(["credit_code", "name", "ecommerce_entity"])
    ws.append([CODE, "", "是"])
    book.save(workbook)
    result = CliRunner().invoke(app, ["explain", CODE, str(workbook), "--year", "2017", "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: credit code {CODE} is in enterprises of {workbook} but its row was not read")
    assert "enterprises row 2 name" in lines[0]
    result = CliRunner().invoke(app, ["explain", CODE, str(workbook), "--year", "2017"], env=WIDE)
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误：统一社会信用代码 {CODE} 在 {workbook} 的企业信息表中，但该行未能读入："
        "企业信息 第2行 企业名称（name）：应为文字（此项必填），实际为空白\n"
    )


def test_an_unreadable_workbook_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    result = CliRunner().invoke(app, ["explain", CODE, str(bad), "--year", "2017", "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    result = CliRunner().invoke(app, ["explain", CODE, str(bad), "--year", "2017"], env=WIDE)
    assert result.exit_code == 2
    assert result.stderr == f"错误：{bad}：不是工作簿（.xlsx/.xls/.xlsb/.ods）：是 CSV 之类的文本文件\n"


# --- the shipped example ------------------------------------------------------------------------


@cache
def example(year: int) -> tuple[RunResult, dict[str, Explanation]]:
    result = runner.run(EXAMPLE, year)
    explained = {}
    for rec in result.batch.records:
        found = explain_run(result, {}, rec.enterprise.credit_code)
        assert found is not None
        explained[rec.enterprise.credit_code] = found
    return result, explained


@pytest.mark.parametrize("year", [2015, 2016, 2017])
def test_the_conditions_agree_with_every_status(year: int) -> None:
    """A line is payable or a flag exactly when no condition fails; ineligible and blocked lines name a failed one."""
    _, explained = example(year)
    for code, expl in explained.items():
        for m in expl.measures:
            failed = [c.text for c in m.conditions if c.met is False]
            if m.status in (Status.PAYABLE, Status.FLAG):
                assert not failed, (code, m.measure, failed)
            elif m.status in (Status.INELIGIBLE, Status.BLOCKED):
                assert failed, (code, m.measure, m.reason)
            else:
                assert m.status is Status.PENDING and failed, (code, m.measure)


def test_the_payout_workbook_carries_the_basis_of_every_line_and_explain_agrees(tmp_path: Path) -> None:
    result, explained = example(2016)
    out = tmp_path / "payout.xlsx"
    write_payout_workbook(result, out, "zh")
    book = openpyxl.load_workbook(out, read_only=True)
    seen: dict[tuple[str, str], str] = {}
    # the payable lines' bases are on 计算依据 under their 序号 (after the reason, a text line a row)
    payable_basis: dict[int, list[str]] = {}
    current = 0
    for row in book[BASIS[0]].iter_rows(min_row=2, values_only=True):
        current = int(str(row[0])) if row[0] is not None else current
        payable_basis.setdefault(current, []).append(str(row[3]))
    for status, names in SHEET_FOR_STATUS.items():
        rows = list(book[names[0]].iter_rows(values_only=True))
        heads = [str(h) for h in rows[0]]
        assert set(heads) <= {c.zh for c in LINE_COLUMNS}
        for row in rows[1:]:
            cells = dict(zip(heads, row, strict=True))
            if cells.get("序号") == "合计":
                break
            key = (str(cells["统一社会信用代码"]), str(cells["措施代码"]))
            assert key not in seen
            if status is Status.PAYABLE:
                seen[key] = "\n".join(payable_basis[int(str(cells["序号"]))][1:])
            else:
                seen[key] = "" if cells["计算依据"] is None else str(cells["计算依据"])
            line = next(x for x in result.lines if (x.credit_code, x.measure) == key)
            assert line.status is status
    # every line is in the workbook once, with its basis
    assert set(seen) == {(x.credit_code, x.measure) for x in result.lines}
    for line in result.lines:
        column = seen[line.credit_code, line.measure]
        assert column == "\n".join(basis_lines(line.basis, "zh"))
        m = next(m for m in explained[line.credit_code].measures if m.measure == line.measure)
        assert "\n".join(m.basis_lines) == column
        # and explain shows each part of it: the parameters, the intervals, the steps, the rounding
        assert tuple(m.params) == line.basis.params
        shown = len(m.intervals) + len(m.steps) + (2 if m.rounding else 0)
        assert shown == len(line.basis.steps)
    assert any(m.basis_lines for e in explained.values() for m in e.measures)


@pytest.mark.parametrize("key", ["E03", "E07", "E10", "E11", "E17", "E18"])
def test_the_rendered_explanation_shows_the_whole_basis(key: str) -> None:
    """What the terminal shows holds every value of the 计算依据 column for this enterprise."""
    from test_example import code as example_code

    code = example_code(key)
    _, explained = example(2016)
    cli = CliRunner().invoke(app, ["explain", code, str(EXAMPLE), "--year", "2016", "--no-ledger"], env=WIDE)
    assert cli.exit_code == (1 if key == "E17" else 0), cli.output
    out = cli.stdout
    for m in explained[code].measures:
        for p in m.params:
            shown = param_value(p, "zh")  # the benchmark-rate table by its name, 基准利率表
            assert re.search(rf"{re.escape(p.name)}\s+{re.escape(shown)}\s+{p.clause}\s+{p.effective}", out), p
        for step in m.steps:
            assert step_text(step, "zh") in out, step
        for i in m.intervals:
            assert _interval_row(i) in " ".join(out.split()), i
        if m.rounding is not None:
            assert f"精确值 {m.rounding.exact} → 四舍五入至0.01元：{m.rounding.rounded}" in out
        if m.amount is not None:
            assert f"{m.amount:,.2f}" in out
    if key == "E17":
        # the blocked reason names the cell in the reader's language (Chinese by default)
        assert "输入有误，无法计算：办公租赁 第15行 租用面积（area_m2）" in " ".join(out.split()) and "无法计算" in out
    if key == "E18":  # a warning concerns it: shown (in Chinese, the default), and the exit code stays 0
        assert "校验位应为" in out and "警告" in out


def _interval_row(i: Interval) -> str:
    return " ".join(
        [
            i.start.isoformat(),
            i.end.isoformat(),
            str(i.days),
            i.lease_rows,
            i.rent,
            i.area_m2,
            i.factor,
            i.rate,
            i.subsidy,
        ]
    )
