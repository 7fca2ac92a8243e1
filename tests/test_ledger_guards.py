"""Guards of ``ledger record`` and ``ledger import``: hidden rows, tiers that are no threshold,
one-time rewards and the lifetime interest cap across years."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from factories import CODE, CODE_B, CODE_C
from ledger_helpers import RunInfo, code, column_number, edit_cell, new_ledger, write_history, write_payout
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app as main_app
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.ledger import LedgerError, import_history, list_entries, read_prior, record_payout, reverse, sheets
from tongnan_calc.ledger.limits import load_ledger_rules
from tongnan_calc.rules.load import DEFAULT_RULES as SHIPPED_RULES

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(ledger_app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_ledger(tmp_path / "ledger.sqlite")


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The payout workbook that ``tongnan-calc run examples/example.xlsx --year 2016 --out`` writes (10 payable rows)."""
    out = tmp_path_factory.mktemp("run") / "computed.xlsx"
    result = CliRunner().invoke(
        main_app,
        ["run", str(EXAMPLE), "--year", "2016", "--out", str(out), "--no-ledger", "--lang", "zh"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code in (0, 1) and out.exists(), result.output  # 1: the example has input errors
    return out


def payout_copy(computed: Path, tmp_path: Path, name: str = "payout-2016.xlsx") -> Path:
    target = tmp_path / name
    target.write_bytes(computed.read_bytes())
    return target


def hide(path: Path, sheet: str, *rows: int) -> None:
    book = load_workbook(path)
    for row in rows:
        book[sheet].row_dimensions[row].hidden = True
    book.save(path)


# --- 1. hidden or filtered-out rows of the payable sheet --------------------------------------------------


def test_hidden_rows_of_the_payable_sheet_refuse_the_workbook(computed: Path, tmp_path: Path, db: Path) -> None:
    payout = payout_copy(computed, tmp_path)
    hide(payout, "应付明细", 5, 9)

    en, zh = cli("record", payout, "--ledger", db, "--lang", "en"), cli("record", payout, "--ledger", db)

    assert (en.exit_code, en.stdout) == (2, "")
    assert en.stderr == (
        f"error: {payout}: sheet 应付明细 rows 5, 9 are hidden: unhide them, and delete the rows that were rejected;"
        " nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{payout}：工作表 应付明细 第5、9行被隐藏（或被筛选隐藏）：请取消隐藏，并删除未获批准的行；未记录任何发放\n"
    )
    assert not db.exists() or read_prior(db).entries == 0


def test_one_hidden_row(computed: Path, tmp_path: Path, db: Path) -> None:
    payout = payout_copy(computed, tmp_path)
    hide(payout, "应付明细", 11)

    with pytest.raises(LedgerError) as caught:
        record_payout(db, payout)

    assert caught.value.say.en == (
        f"{payout}: sheet 应付明细 row 11 is hidden: unhide it, and delete the rows that were rejected;"
        " nothing was recorded"
    )
    assert caught.value.say.zh == (
        f"{payout}：工作表 应付明细 第11行被隐藏（或被筛选隐藏）：请取消隐藏，并删除未获批准的行；未记录任何发放"
    )


def test_rows_filtered_out_by_an_autofilter_refuse_the_workbook(computed: Path, tmp_path: Path, db: Path) -> None:
    # Excel stores the rows an AutoFilter hides as hidden rows, next to the filter itself.
    payout = payout_copy(computed, tmp_path)
    book = load_workbook(payout)
    sheet = book["应付明细"]
    measure = column_number("measure")
    last = 11  # the example's ten payable lines; the 合计 row and the signature block follow
    assert sheet.cell(row=last + 1, column=1).value == "合计"
    sheet.auto_filter.ref = f"A1:M{last}"
    sheet.auto_filter.add_filter_column(measure - 1, ["rent"])
    for row in range(2, last + 1):
        if sheet.cell(row=row, column=measure).value != "rent":
            sheet.row_dimensions[row].hidden = True
    book.save(payout)

    result = cli("record", payout, "--ledger", db, "--lang", "en")

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {payout}: sheet 应付明细 rows 5, 6, 7, 8, 9 and 1 more are hidden: unhide them,"
        " and delete the rows that were rejected; nothing was recorded\n"
    )
    assert not db.exists() or read_prior(db).entries == 0


def test_rows_hidden_in_other_sheets_or_blank_do_not_matter(computed: Path, tmp_path: Path, db: Path) -> None:
    payout = payout_copy(computed, tmp_path)
    hide(payout, "汇总", 2, 3)
    hide(payout, "来源", 4)
    hide(payout, "应付明细", 40)  # below the data: blank

    report = record_payout(db, payout, example=True)

    assert report.added == 10


def test_a_deleted_row_is_still_not_recorded_and_nothing_hidden_is_fine(
    computed: Path, tmp_path: Path, db: Path
) -> None:
    payout = payout_copy(computed, tmp_path)
    book = load_workbook(payout)
    book["应付明细"].delete_rows(5)
    book.save(payout)

    assert record_payout(db, payout, example=True).added == 9


# --- 2. a sales_milestone tier must be a threshold of the rule file ------------------------------------------

SHIPPED_THRESHOLDS_EN = "(50000000, 100000000, 1000000000)"
SHIPPED_THRESHOLDS_ZH = "（50000000、100000000、1000000000）"


def rules_with_new_tiers_from_2017(path: Path) -> Path:
    """The shipped rule file, with the tiers 30 M, 80 M in force from 2017-01-01."""
    text = SHIPPED_RULES.read_text(encoding="utf-8")
    old = "          - {threshold: 1000000000, amount: null}\n"
    assert text.count(old) == 1
    new = old + (
        "        2017-01-01:\n"
        "          - {threshold: 30000000, amount: null}\n"
        "          - {threshold: 80000000, amount: null}\n"
    )
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_import_refuses_a_tier_that_is_not_a_threshold(tmp_path: Path, db: Path) -> None:
    # a clerk typing 5000 for 5,000万 would make the 50 M tier payable again
    workbook = write_history(
        tmp_path / "history.xlsx",
        [(CODE, 2016, "sales_milestone", 5000, 100000), (CODE_B, 2016, "sales_milestone", 50000000, 100000)],
    )

    en, zh = cli("import", workbook, "--ledger", db, "--lang", "en"), cli("import", workbook, "--ledger", db)

    assert en.exit_code == zh.exit_code == 1
    assert en.stderr == (
        "error: payouts row 2 tier: expected a sales_milestone tier threshold of the rules in force on"
        f" 31 December 2016 {SHIPPED_THRESHOLDS_EN}, got 5000\n"
        "nothing imported: 1 row with errors; fix them, or import the good rows with --allow-errors\n"
    )
    assert zh.stderr == (
        f"错误：历史发放 第2行 档次(tier)：应为2016年12月31日生效的规则中 sales_milestone 的档次门槛之一"
        f"{SHIPPED_THRESHOLDS_ZH}，实际为5000\n"
        "未导入任何内容：1 行有错误；请改正，或用 --allow-errors 只导入无误的行\n"
    )
    assert read_prior(db).entries == 0


def test_import_reads_the_thresholds_in_force_in_the_rows_year_of_the_named_rule_file(tmp_path: Path, db: Path) -> None:
    rules = rules_with_new_tiers_from_2017(tmp_path / "rules.yaml")
    workbook = write_history(
        tmp_path / "history.xlsx",
        [
            (CODE, 2016, "sales_milestone", 50000000, 100000),  # a threshold in 2016
            (CODE_B, 2017, "sales_milestone", 30000000, 100000),  # a threshold from 2017 only
            (CODE_C, 2017, "sales_milestone", 50000000, 100000),  # no longer one in 2017
            (code(4), 2016, "sales_milestone", 30000000, 100000),  # not yet one in 2016
        ],
    )

    shipped = import_history(db, workbook)
    named = cli("import", workbook, "--ledger", db, "--rules", rules, "--lang", "en")

    assert [h.line("en") for h in shipped.history_issues] == [
        "error: payouts row 3 tier: expected a sales_milestone tier threshold of the rules in force on"
        f" 31 December 2017 {SHIPPED_THRESHOLDS_EN}, got 30000000",
        "error: payouts row 5 tier: expected a sales_milestone tier threshold of the rules in force on"
        f" 31 December 2016 {SHIPPED_THRESHOLDS_EN}, got 30000000",
    ]
    assert named.stderr == (
        "error: payouts row 4 tier: expected a sales_milestone tier threshold of the rules in force on"
        " 31 December 2017 (30000000, 80000000), got 50000000\n"
        "error: payouts row 5 tier: expected a sales_milestone tier threshold of the rules in force on"
        f" 31 December 2016 {SHIPPED_THRESHOLDS_EN}, got 30000000\n"
        "nothing imported: 2 rows with errors; fix them, or import the good rows with --allow-errors\n"
    )
    allowed = cli("import", workbook, "--ledger", db, "--rules", rules, "--allow-errors", "--lang", "en")
    assert allowed.exit_code == 1
    assert [(e.credit_code, e.year, e.tier) for e in list_entries(db)] == [
        (CODE, 2016, Decimal("50000000")),
        (CODE_B, 2017, Decimal("30000000")),
    ]


def test_import_of_a_tier_for_a_year_before_the_rules(tmp_path: Path, db: Path) -> None:
    workbook = write_history(tmp_path / "history.xlsx", [(CODE, 2014, "sales_milestone", 50000000, 100000)])

    report = import_history(db, workbook)

    assert [(h.line("en"), h.line("zh")) for h in report.history_issues] == [
        (
            "error: payouts row 2 tier: sales_milestone.tiers has no value in force on 2014-12-31"
            " (the first is from 2015-01-01)",
            "错误：历史发放 第2行 档次(tier)：sales_milestone.tiers 在 2014-12-31 没有生效的值（最早的值自 2015-01-01 起）",
        )
    ]


def test_a_rule_file_that_cannot_be_read_is_one_error(tmp_path: Path, db: Path) -> None:
    workbook = write_history(tmp_path / "history.xlsx", [(CODE, 2016, "spin_off", None, 20000)])
    missing = tmp_path / "none.yaml"

    imported = cli("import", workbook, "--ledger", db, "--rules", missing, "--lang", "en")
    recorded = cli("record", write_payout(tmp_path / "p.xlsx", []), "--ledger", db, "--rules", missing)

    assert (imported.exit_code, imported.stderr) == (2, f"error: {missing}:0: no such rule file\n")
    assert (recorded.exit_code, recorded.stderr) == (2, f"错误：{missing}:0: 找不到规则文件\n")
    assert read_prior(db).entries == 0


def test_a_rule_file_with_problems_is_one_line_each(tmp_path: Path, db: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        SHIPPED_RULES.read_text(encoding="utf-8")
        .replace("{threshold: 50000000, amount: null}", "{threshold: -5, amount: null}")
        .replace("        2015-01-01: 500000\n", "        2015-01-01: -1\n"),
        encoding="utf-8",
    )
    workbook = write_history(tmp_path / "history.xlsx", [(CODE, 2016, "spin_off", None, 20000)])

    result = cli("import", workbook, "--ledger", db, "--rules", rules, "--lang", "en")

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {rules}:") for line in lines), lines
    assert read_prior(db).entries == 0


def test_record_refuses_a_sealed_tier_that_is_not_a_threshold(tmp_path: Path, db: Path) -> None:
    # sealed by a run against another rule file (or a seal recomputed by hand)
    workbook = write_payout(
        tmp_path / "payout.xlsx",
        [(CODE, "spin_off", None, 20000), (CODE_B, "sales_milestone", 5000, 100000)],
    )

    en = cli("record", workbook, "--ledger", db, "--lang", "en")
    zh = cli("record", workbook, "--ledger", db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 row 3 column 档次（元） (tier): expected a sales_milestone tier threshold"
        f" of the rules in force on 31 December 2016 {SHIPPED_THRESHOLDS_EN}, got 5000; nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 第3行 档次（元）(tier)列：应为2016年12月31日生效的规则中 sales_milestone"
        f" 的档次门槛之一{SHIPPED_THRESHOLDS_ZH}，实际为5000；未记录任何发放\n"
    )
    assert not db.exists() or read_prior(db).entries == 0
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        SHIPPED_RULES.read_text(encoding="utf-8").replace("{threshold: 50000000,", "{threshold: 5000,"),
        encoding="utf-8",
    )
    assert record_payout(db, workbook, rules=load_ledger_rules(rules)).added == 2


def test_record_of_a_tier_edited_to_a_non_threshold_is_refused_as_edited_first(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE_B, "sales_milestone", 50000000, 100000)])
    edit_cell(workbook, "应付明细", 2, column_number("tier"), 5000)

    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)

    assert caught.value.say.en == (
        f"{workbook}: sheet 应付明细 row 2 was changed after tongnan-calc wrote it (the check value 校验码 does not"
        " match the credit code, measure, tier and amount); nothing was recorded"
    )


# --- 3. one-time rewards and the lifetime interest cap, across every year of the ledger ----------------------

RUN_2016, RUN_2017 = RunInfo(year=2016), RunInfo(year=2017)


def test_a_second_spin_off_for_an_earlier_year_recorded_late_is_refused(tmp_path: Path, db: Path) -> None:
    # 2017 computed and recorded first; then a 2016 workbook computed against another ledger
    record_payout(db, write_payout(tmp_path / "p2017.xlsx", [(CODE, "spin_off", None, 20000)], run=RUN_2017))
    late = write_payout(
        tmp_path / "p2016.xlsx", [(CODE_B, "rent", None, 500), (CODE, "spin_off", None, 20000)], run=RUN_2016
    )

    en = cli("record", late, "--ledger", db, "--lang", "en")
    zh = cli("record", late, "--ledger", db)

    assert (en.exit_code, en.stdout) == (2, "")
    assert en.stderr == (
        f"error: {late}: sheet 应付明细 would pay spin_off, a one-time reward (二（三）), a second time:"
        f" row 3 {CODE} (already paid for 2017, entry 1); nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{late}：工作表 应付明细 将再次发放一次性奖励 spin_off（二（三））：第3行 {CODE}"
        "（已按2017年度发放，条目 1）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 1


def test_a_reversed_spin_off_no_longer_counts(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "p2017.xlsx", [(CODE, "spin_off", None, 20000)], run=RUN_2017))
    reverse(db, 1, "recorded from the draft")

    report = record_payout(db, write_payout(tmp_path / "p2016.xlsx", [(CODE, "spin_off", None, 20000)]))

    assert report.added == 1


def test_the_same_milestone_tier_paid_for_another_year_is_refused_a_higher_one_is_not(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        write_history(
            tmp_path / "history.xlsx",
            [(CODE, 2015, "sales_milestone", 50000000, 100000), (CODE_B, 2015, "sales_milestone", 50000000, 1)],
        ),
    )
    again = write_payout(
        tmp_path / "p.xlsx",
        [(CODE_B, "sales_milestone", 100000000, 200000), (CODE, "sales_milestone", 50000000, 100000)],
    )

    with pytest.raises(LedgerError) as caught:
        record_payout(db, again)

    assert (caught.value.say.en, caught.value.say.zh) == (
        f"{again}: sheet 应付明细 would pay the same sales_milestone tier, a one-time reward (二（五）),"
        f" a second time: row 3 {CODE} tier 50000000 (already paid for 2015, entry 1); nothing was recorded",
        f"{again}：工作表 应付明细 将再次发放一次性奖励 sales_milestone 的同一档次（二（五））：第3行 {CODE}"
        " 档次 50000000（已按2015年度发放，条目 1）；未记录任何发放",
    )
    assert read_prior(db).entries == 2
    higher = write_payout(tmp_path / "higher.xlsx", [(CODE_B, "sales_milestone", 100000000, 200000)])
    assert record_payout(db, higher).added == 1


def test_a_second_milestone_tier_for_the_same_year_is_refused(tmp_path: Path, db: Path) -> None:
    """二（五） 不重复享受, one line per enterprise, measure and year: 2016's workbook paid tier 50 M; a second
    workbook of 2016 (a run again on corrected sales) paying tier 100 M was recorded beside it — two rewards
    for one year, where the run itself pays only the highest tier crossed."""
    record_payout(db, write_payout(tmp_path / "first.xlsx", [(CODE, "sales_milestone", 50000000, 100000)]))
    again = write_payout(
        tmp_path / "again.xlsx", [(CODE_B, "spin_off", None, 20000), (CODE, "sales_milestone", 100000000, 200000)]
    )

    with pytest.raises(LedgerError) as caught:
        record_payout(db, again)

    assert (caught.value.say.en, caught.value.say.zh) == (
        f"{again}: sheet 应付明细 would pay sales_milestone (二（五）) a second time for one year, at another tier:"
        f" row 3 {CODE} tier 100000000 for 2016 (tier 50000000 already paid for 2016, entry 1);"
        " nothing was recorded (if the entry recorded first is wrong, reverse it first)",
        f"{again}：工作表 应付明细 将为同一年度再次发放 sales_milestone（二（五））的另一档次："
        f"第3行 {CODE} 档次 100000000 2016年度（该年度已发放档次 50000000，条目 1）"
        "；未记录任何发放（如先记录的条目有误，请先冲销）",
    )
    assert read_prior(db).entries == 1
    reverse(db, 1, "the sales were corrected")
    assert record_payout(db, again).added == 2


def test_loan_interest_above_the_lifetime_cap_across_years_is_refused(tmp_path: Path, db: Path) -> None:
    # 300,000 recorded for 2017; a 2016 workbook computed late pays 300,000 more: 600,000 up to 2017 > 500,000
    record_payout(db, write_payout(tmp_path / "p2017.xlsx", [(CODE, "loan_interest", None, 300000)], run=RUN_2017))
    late = write_payout(tmp_path / "p2016.xlsx", [(CODE, "loan_interest", None, 300000)])

    en = cli("record", late, "--ledger", db, "--lang", "en")
    zh = cli("record", late, "--ledger", db)

    assert en.stderr == (
        f"error: {late}: sheet 应付明细 would pay loan_interest above the cap per enterprise (二（六）):"
        f" row 2 {CODE} (600000.00 in total up to 2017, cap 500000.00); nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{late}：工作表 应付明细 的 loan_interest 将超过每个企业的贴息上限（二（六））：第2行 {CODE}"
        "（截至2017年度合计 600000.00 元，上限 500000.00 元）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 1


def test_loan_interest_up_to_the_cap_exactly_is_recorded(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "p2017.xlsx", [(CODE, "loan_interest", None, 300000)], run=RUN_2017))

    late = write_payout(tmp_path / "p2016.xlsx", [(CODE, "loan_interest", None, 200000)])

    assert record_payout(db, late).added == 1


def test_loan_interest_above_the_cap_in_one_workbook_with_the_history(tmp_path: Path, db: Path) -> None:
    import_history(db, write_history(tmp_path / "history.xlsx", [(CODE, 2015, "loan_interest", None, "450000")]))

    workbook = write_payout(tmp_path / "p.xlsx", [(CODE, "loan_interest", None, "50000.01")])

    with pytest.raises(LedgerError, match=r"row 2 \S+ \(500000\.01 in total up to 2016, cap 500000\.00\)"):
        record_payout(db, workbook)


def test_every_kind_refused_is_one_line_and_many_rows_are_counted(tmp_path: Path, db: Path) -> None:
    codes = [code(n) for n in range(1, 6)]
    earlier = [(c, "spin_off", None, 20000) for c in codes] + [
        (codes[0], "sales_milestone", 50000000, 100000),
        (codes[1], "loan_interest", None, 400000),
        (codes[2], "loan_interest", None, 400000),
    ]
    record_payout(db, write_payout(tmp_path / "p2017.xlsx", earlier, run=RUN_2017))
    late_lines = [(c, "spin_off", None, 20000) for c in codes] + [
        (codes[0], "sales_milestone", 50000000, 100000),
        (codes[2], "loan_interest", None, 200000),
        (codes[1], "loan_interest", None, 200000),
    ]
    late = write_payout(tmp_path / "p2016.xlsx", late_lines)

    result = cli("record", late, "--ledger", db, "--lang", "en")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {late}: sheet 应付明细 would pay spin_off, a one-time reward (二（三）), a second time:"
        f" row 2 {codes[0]} (already paid for 2017, entry 1), row 3 {codes[1]} (already paid for 2017, entry 2),"
        f" row 4 {codes[2]} (already paid for 2017, entry 3) and 2 more; nothing was recorded",
        f"error: {late}: sheet 应付明细 would pay the same sales_milestone tier, a one-time reward (二（五）),"
        f" a second time: row 7 {codes[0]} tier 50000000 (already paid for 2017, entry 6); nothing was recorded",
        f"error: {late}: sheet 应付明细 would pay loan_interest above the cap per enterprise (二（六）):"
        f" row 8 {codes[2]} (600000.00 in total up to 2017, cap 500000.00),"
        f" row 9 {codes[1]} (600000.00 in total up to 2017, cap 500000.00); nothing was recorded",
    ]
    chinese = cli("record", late, "--ledger", db)
    assert chinese.stderr.splitlines()[0] == (
        f"错误：{late}：工作表 应付明细 将再次发放一次性奖励 spin_off（二（三））："
        f"第2行 {codes[0]}（已按2017年度发放，条目 1）、第3行 {codes[1]}（已按2017年度发放，条目 2）、"
        f"第4行 {codes[2]}（已按2017年度发放，条目 3）等共5行；未记录任何发放"
    )
    assert read_prior(db).entries == 8


def test_workbooks_computed_by_the_tool_against_the_ledger_are_recorded_even_out_of_order(
    tmp_path: Path, db: Path
) -> None:
    # the engine holds one-time rewards and capped interest as pending when a later year is recorded
    record_payout(db, write_payout(tmp_path / "empty.xlsx", []))
    recorded: dict[str, list[str]] = {}
    for year in ("2017", "2016"):
        out = tmp_path / f"payout-{year}.xlsx"
        result = CliRunner().invoke(
            main_app,
            ["run", str(EXAMPLE), "--year", year, "--out", str(out), "--ledger", str(db), "--lang", "zh"],
            env={"COLUMNS": "200"},
        )
        assert out.exists(), result.output
        assert record_payout(db, out, example=True).added > 0
        recorded[year] = sorted(e.measure for e in list_entries(db, year=int(year)))
    assert {"spin_off", "loan_interest"} <= set(recorded["2017"])
    assert not {"spin_off", "loan_interest"} & set(recorded["2016"])


def test_a_row_of_height_zero_is_as_good_as_hidden(computed: Path, tmp_path: Path, db: Path) -> None:
    # as Excel stores a row dragged to no height (openpyxl does not write a height of 0)
    payout = payout_copy(computed, tmp_path)
    with zipfile.ZipFile(computed) as source, zipfile.ZipFile(payout, "w", zipfile.ZIP_DEFLATED) as target:
        member = sheets.sheet_members(source)["应付明细"]
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                assert data.count(b'<row r="3"') == 1
                data = data.replace(b'<row r="3"', b'<row r="3" ht="0" customHeight="1"')
            target.writestr(info, data)

    with pytest.raises(LedgerError, match=r"sheet 应付明细 row 3 is hidden: unhide it,"):
        record_payout(db, payout)


def test_a_sheet_whose_xml_cannot_be_found_is_refused(
    computed: Path, tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # e.g. a workbook.xml written with a namespace prefix (<x:sheet ...>) that the scan does not follow
    payout = payout_copy(computed, tmp_path)
    monkeypatch.setattr(sheets, "sheet_members", lambda archive: {})

    with pytest.raises(LedgerError) as caught:
        record_payout(db, payout)

    assert (caught.value.say.en, caught.value.say.zh) == (
        f"{payout}: cannot find the XML of sheet 应付明细 to check for hidden rows:"
        " save the workbook again with Excel and retry",
        f"{payout}：找不到工作表 应付明细 的 XML，无法检查隐藏行：请用 Excel 重新保存后再试",
    )
    assert read_prior(db).entries == 0
