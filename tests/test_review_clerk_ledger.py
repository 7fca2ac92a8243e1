"""A clerk's slips that `ledger record` took in without a word: a workbook computed with another rule file
than the recording checks against, a reversed payout brought back into force by recording again, and the
rows a reviewer deleted from one workbook of a run recorded from another workbook of the same run.

Each is recorded (each can be right), and each is now a warning that names what happened, in both languages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from factories import CODE, CODE_B, CODE_C
from ledger_helpers import RunInfo, column_number, edit_cell, new_ledger, sql, write_history, write_payout
from openpyxl import load_workbook
from openpyxl.styles import Font
from typer.testing import CliRunner, Result

from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.ledger import LedgerError, import_history, read_prior, record_payout, reverse, struck
from tongnan_calc.ledger.limits import load_ledger_rules
from tongnan_calc.report.layout import PAYABLE_COLUMNS

SHIPPED = load_ledger_rules()


def record(workbook: Path, db: Path, *more: str) -> tuple[Result, Result]:
    """`ledger record` in English, then again in Chinese (the second adds nothing: both give the warnings
    that do not depend on what was added)."""
    en = CliRunner().invoke(ledger_app, ["record", str(workbook), "--ledger", str(db), "--lang", "en", *more])
    zh = CliRunner().invoke(ledger_app, ["record", str(workbook), "--ledger", str(db), *more])
    return en, zh


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_ledger(tmp_path / "ledger.sqlite")


# --- another rule file ------------------------------------------------------------------------------------


def test_a_workbook_computed_with_another_rule_file_is_recorded_with_a_warning_naming_both(
    tmp_path: Path, db: Path
) -> None:
    # the run used a revised rule file (its own SHA-256); `ledger record` without --rules checks the tier and
    # the interest cap against the shipped one: recorded (its amounts are the run's), and said
    other = RunInfo(rules_sha256="ab" * 32, rules_version="2016.9")
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "loan_interest", None, 1000)], run=other)

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (0, 0)
    assert en.stderr == (
        f"warning: {workbook} was computed with another rule file (version 2016.9, SHA-256 abababababab…) than"
        f" {SHIPPED.path} (version {SHIPPED.version}, SHA-256 {SHIPPED.sha256[:12]}…), which this recording"
        " checked tiers and the interest cap against: record with --rules naming the rule file the run used\n"
    )
    assert zh.stderr == (
        f"警告：{workbook} 计算时所用的规则文件（版本 2016.9，SHA-256 abababababab…）与本次记录核对所用的规则文件"
        f" {SHIPPED.path}（版本 {SHIPPED.version}，SHA-256 {SHIPPED.sha256[:12]}…）不同：档次和贴息上限按后者核对；"
        "记录时请用 --rules 指定计算时所用的规则文件\n"
    )
    assert [p.amount for p in read_prior(db).payouts] == [1000]


def test_a_workbook_computed_with_the_rule_file_the_recording_checks_against_has_no_warning(
    tmp_path: Path, db: Path
) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "loan_interest", None, 1000)])

    en, zh = record(workbook, db)

    assert (en.exit_code, en.stderr, zh.stderr) == (0, "", "")


def test_the_rule_file_named_with_rules_is_the_one_compared(tmp_path: Path, db: Path) -> None:
    revised = tmp_path / "rules.yaml"
    revised.write_text(
        Path(SHIPPED.path).read_text(encoding="utf-8").replace("2015-01-01: 500000", "2015-01-01: 400000")
    )
    rules = load_ledger_rules(revised)
    assert rules.sha256 != SHIPPED.sha256
    run = RunInfo(rules_sha256=rules.sha256)
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "loan_interest", None, 1000)], run=run)

    assert record_payout(db, workbook, rules=rules).warnings == ()
    # the same workbook checked against the shipped file: said (nothing is added the second time)
    again = record_payout(db, workbook)
    assert again.added == 0
    assert [w.en.split(" was computed with another rule file ")[0] for w in again.warnings] == [str(workbook)]


# --- a reversed payout recorded again ---------------------------------------------------------------------


def test_a_reversed_payout_recorded_again_is_said(tmp_path: Path, db: Path) -> None:
    # entry 1 (spin_off) was reversed as recorded by mistake; recording the same workbook again brings it back
    # into force (the project's reading: it is how a mistaken reversal is undone), and now says so
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)])
    record_payout(db, workbook)
    reverse(db, 1, "wrong enterprise")

    en = CliRunner().invoke(ledger_app, ["record", str(workbook), "--ledger", str(db), "--lang", "en"])

    assert en.exit_code == 0
    assert en.stderr == (
        f"warning: row 2: {CODE} spin_off 2016 was recorded before (entry 1) and reversed (entry 3: wrong"
        " enterprise); it is recorded again: if the reversal stands, reverse the new entry\n"
    )
    assert en.stdout == (f"recorded 1 payout for 2016 (20,000.00 yuan) from {workbook} into {db}; 1 already recorded\n")
    reverse(db, 4, "wrong enterprise, again")
    zh = CliRunner().invoke(ledger_app, ["record", str(workbook), "--ledger", str(db)])
    assert zh.stderr == (
        f"警告：第2行：{CODE} spin_off 2016年 曾记入台账（条目 4）并已冲销（条目 5：wrong enterprise, again），"
        "现再次记入；如该冲销仍然有效，请冲销新记入的条目\n"
    )
    # the latest reversal is named (entry 1 was reversed by 3, entry 4 by 5): entry 4 and 5
    assert [p.measure for p in read_prior(db).payouts] == ["rent", "spin_off"]


# --- the same run, recorded from two workbooks --------------------------------------------------------


def test_rows_a_reviewer_deleted_recorded_from_the_original_workbook_are_said(tmp_path: Path, db: Path) -> None:
    # the finance bureau deleted row 3 (CODE_B's rent) from its copy, which was recorded; then the original
    # workbook of the same run (year, rule file, input) is recorded too: the deleted row would be paid unsaid
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    reviewed = write_payout(tmp_path / "reviewed.xlsx", lines[:1])
    original = write_payout(tmp_path / "original.xlsx", lines)
    assert record_payout(db, reviewed).warnings == ()
    ((when,),) = sql(db, "SELECT recorded_at FROM sources WHERE id = 1")

    en = CliRunner().invoke(ledger_app, ["record", str(original), "--ledger", str(db), "--lang", "en"])

    assert en.exit_code == 0
    assert en.stderr == (
        f"warning: {original} comes from the same run as {reviewed}, recorded at {when} (year 2016, the same"
        f" input workbook and rule file), and added 1 payout the ledger did not hold (row 3): if the reviewer"
        f" deleted it from {reviewed} (rejected), reverse it with `tongnan-calc ledger reverse`\n"
    )
    assert read_prior(db).entries == 2


def test_rows_of_the_same_run_from_another_workbook_in_chinese(tmp_path: Path, db: Path) -> None:
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    record_payout(db, write_payout(tmp_path / "reviewed.xlsx", lines[1:]))
    ((when,),) = sql(db, "SELECT recorded_at FROM sources WHERE id = 1")
    original = write_payout(tmp_path / "original.xlsx", lines)

    zh = CliRunner().invoke(ledger_app, ["record", str(original), "--ledger", str(db)])

    reviewed = tmp_path / "reviewed.xlsx"
    assert zh.stderr == (
        f"警告：{original} 与此前已记录的 {reviewed}（{when}）出自同一次计算（2016 年度，同一输入工作簿和规则文件），"
        f"本次又记入了台账中尚无的 1 笔发放（第2行）：如这些行是审核时从 {reviewed} 中删去（未获批准）的，"
        "请用 `tongnan-calc ledger reverse` 冲销\n"
    )


def test_the_original_recorded_first_then_the_reviewed_copy_names_the_rows_the_copy_lacks(
    tmp_path: Path, db: Path
) -> None:
    # the other order: the original workbook (every row) was recorded, then the bureau's copy without row 3
    # (CODE_B's rent, rejected): recording the copy adds nothing, and the rejected payout stays in force unless
    # it is said (it was not)
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    original = write_payout(tmp_path / "original.xlsx", lines)
    reviewed = write_payout(tmp_path / "reviewed.xlsx", lines[:1])
    assert record_payout(db, original).warnings == ()

    en = CliRunner().invoke(ledger_app, ["record", str(reviewed), "--ledger", str(db), "--lang", "en"])
    zh = CliRunner().invoke(ledger_app, ["record", str(reviewed), "--ledger", str(db)])

    assert (en.exit_code, zh.exit_code) == (0, 0)
    assert en.stderr == (
        f"warning: {reviewed} comes from the same run as {original} (year 2016, the same input workbook and rule"
        " file) but lacks 1 payout recorded from it (entry 2): if the reviewer deleted it (rejected), reverse"
        " it with `tongnan-calc ledger reverse`\n"
    )
    assert zh.stderr == (
        f"警告：{reviewed} 与此前已记录的 {original} 出自同一次计算（2016 年度，同一输入工作簿和规则文件），"
        f"但没有台账中从 {original} 记入的 1 笔发放（条目 2）：如这些行是审核时删去（未获批准）的，"
        "请用 `tongnan-calc ledger reverse` 冲销\n"
    )
    reverse(db, 2, "rejected by the finance bureau")
    quiet = CliRunner().invoke(ledger_app, ["record", str(reviewed), "--ledger", str(db), "--lang", "en"])
    assert quiet.stderr == ""  # reversed: nothing of the run is missing any more
    assert [p.credit_code for p in read_prior(db).payouts] == [CODE]


def test_another_run_or_the_same_workbook_again_is_not_the_same_run(tmp_path: Path, db: Path) -> None:
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    record_payout(db, write_payout(tmp_path / "first.xlsx", lines[:1]))
    # another input workbook (a corrected batch): another run, no warning
    corrected = write_payout(tmp_path / "corrected.xlsx", lines, run=RunInfo(input_sha256="3" * 64))
    assert record_payout(db, corrected).warnings == ()
    # the same workbook file twice: nothing added, nothing to say
    assert record_payout(db, corrected).warnings == ()


def test_a_reversed_payout_imported_again_from_history_is_a_warning_on_its_row(tmp_path: Path, db: Path) -> None:
    history = write_history(
        tmp_path / "history.xlsx", [(CODE, 2015, "spin_off", None, 20000), (CODE_B, 2015, "rent", None, 1000)]
    )
    import_history(db, history)
    reverse(db, 1, "paid by the district, not us")

    en = CliRunner().invoke(ledger_app, ["import", str(history), "--ledger", str(db), "--lang", "en"])

    assert en.exit_code == 0
    assert en.stderr == (
        "warning: payouts row 2 amount: recorded before (entry 1) and reversed (entry 3: paid by the district,"
        " not us); it is imported again: if the reversal stands, reverse the new entry\n"
    )
    assert en.stdout == f"imported 1 of 2 rows from {history} (sheet payouts) into {db}; 1 already recorded\n"
    reverse(db, 4, "again")
    report = import_history(db, history)
    assert [(i.issue.row, i.issue.severity, i.zh) for i in report.history_issues] == [
        (
            2,
            "warning",
            "曾记入台账（条目 4）并已冲销（条目 5：again），现再次导入；如该冲销仍然有效，请冲销新导入的条目",
        )
    ]
    # a first import says nothing of the kind
    assert import_history(new_ledger(tmp_path / "other.sqlite"), history).history_issues == ()


# --- a row marked as rejected instead of deleted --------------------------------------------------------


def test_a_row_whose_status_the_reviewer_changed_is_refused_not_recorded_as_paid(tmp_path: Path, db: Path) -> None:
    # the reviewer wrote 不予批准 over row 3's 应付 and cleared row 4's: the status is not sealed, and both
    # rows were recorded as paid (250 yuan of rejected payouts in the ledger, unsaid)
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500), (CODE_C, "rent", None, 250)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    edit_cell(workbook, "应付明细", 3, column_number("status"), "不予批准")
    edit_cell(workbook, "应付明细", 4, column_number("status"), None)

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 rows 3 ('不予批准'), 4 (blank): the status (状态) is no longer 应付"
        " (payable): a rejected row is deleted, not marked; delete the rows that were rejected and leave 应付 on"
        " the others; nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 第3行（“不予批准”）、第4行（空白）的状态不再是“应付”：未获批准的行应删除，"
        "而不是改状态；请删除未获批准的行，其余行的状态保持“应付”；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0


def test_the_status_as_the_tool_writes_it_in_either_language_is_recorded(tmp_path: Path, db: Path) -> None:
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    edit_cell(workbook, "应付明细", 3, column_number("status"), " Payable ")  # run --lang en writes payable

    assert record_payout(db, workbook).added == 2


def test_a_measure_name_the_reviewer_wrote_over_is_refused_not_recorded_as_paid(tmp_path: Path, db: Path) -> None:
    # 不同意 written in row 3's 措施 cell (not sealed): the row was recorded as paid; the English name, as run
    # --lang en writes it, is recorded (row 2)
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    edit_cell(workbook, "应付明细", 3, column_number("measure_name"), "不同意")

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 row 3 ('不同意'): the measure name (措施) was changed and no longer"
        " matches the measure id: a rejected row is deleted, not annotated; delete the rows that were rejected"
        " and leave the others' measure names as written; nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 第3行（“不同意”）的措施名称已被改动，与措施代码不符：未获批准的行应删除，"
        "而不是在行内批注；请删除未获批准的行，其余行的措施名称保持原样；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0
    edit_cell(workbook, "应付明细", 3, column_number("measure_name"), "office rent subsidy")
    edit_cell(workbook, "应付明细", 2, column_number("measure_name"), " Spin-off reward ")
    assert record_payout(db, workbook).added == 2


def test_a_column_the_reviewer_added_with_values_on_payout_rows_is_refused(tmp_path: Path, db: Path) -> None:
    # 审核意见 added as column N: 同意 on row 2, 不同意 on row 3 — row 3 was recorded as paid
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    added = len(PAYABLE_COLUMNS) + 1
    assert added == 14  # column N
    edit_cell(workbook, "应付明细", 1, added, "审核意见")
    edit_cell(workbook, "应付明细", 2, added, "同意")
    edit_cell(workbook, "应付明细", 3, added, "不同意")

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 column N ('审核意见') was not written by tongnan-calc, and rows 2, 3"
        " have values in it (row 2: '同意'): a decision written there is not read; delete the rows that were"
        " rejected, then delete the column (or its values); nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 N列（“审核意见”）不是 tongnan-calc 写出的列，而第2、3行在该列填有内容"
        "（第2行：“同意”）：其中的审核意见不会被读取；未获批准的行请删除，然后删除该列（或其内容）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0


def test_an_added_column_without_a_header_or_with_values_only_below_the_rows_is_judged_alike(
    tmp_path: Path, db: Path
) -> None:
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    edit_cell(workbook, "应付明细", 3, 15, "×")  # column O, no header: a mark on row 3
    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)
    assert caught.value.say.en.startswith(
        f"{workbook}: sheet 应付明细 column O (blank) was not written by tongnan-calc, and row 3 has values in it"
        " (row 3: '×')"
    )
    # a date written beside the signature block (below the 合计 row), an empty added column: recorded
    clean = write_payout(tmp_path / "clean.xlsx", lines)
    edit_cell(clean, "应付明细", 1, 14, "备注")
    edit_cell(clean, "应付明细", 7, 14, "2017年3月1日")
    assert record_payout(db, clean).added == 2


# --- a row struck through instead of deleted ------------------------------------------------------------


def strike(path: Path, row: int, columns: range, *, on: bool = True) -> Path:
    book = load_workbook(path)
    sheet = book["应付明细"]
    for column in columns:
        sheet.cell(row=row, column=column).font = Font(strike=on, color="FFFF0000")
    book.save(path)
    return path


def test_a_row_struck_through_is_refused_not_recorded_as_paid(tmp_path: Path, db: Path) -> None:
    # the reviewer struck row 3 through (its credit code cell only) and row 4 (the whole row): both were paid
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500), (CODE_C, "rent", None, 250)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    strike(workbook, 3, range(column_number("credit_code"), column_number("credit_code") + 1))
    strike(workbook, 4, range(1, len(PAYABLE_COLUMNS) + 1))

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 rows 3, 4 are struck through: a rejected row is deleted, not struck"
        " through; delete the rows that were rejected (and remove the strikethrough from the others);"
        " nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 第3、4行被划了删除线：未获批准的行应删除，而不是划删除线；"
        "请删除未获批准的行（其余行去掉删除线）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0


def test_a_font_with_the_strikethrough_off_or_struck_cells_below_the_rows_are_recorded(
    tmp_path: Path, db: Path
) -> None:
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = write_payout(tmp_path / "payout.xlsx", lines)
    strike(workbook, 2, range(1, 4), on=False)  # <strike val="0"/>: red, not struck
    strike(workbook, 6, range(1, 4))  # the signature block, below the payout rows
    assert record_payout(db, workbook).added == 2


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (no soffice on PATH)")
def test_a_row_struck_through_in_a_workbook_saved_by_libreoffice_is_refused(tmp_path: Path, db: Path) -> None:
    assert SOFFICE is not None
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = strike(write_payout(tmp_path / "payout.xlsx", lines), 3, range(1, len(PAYABLE_COLUMNS) + 1))
    out = tmp_path / "lo"
    profile = tmp_path / "profile"
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    subprocess.run(
        [*command, "--convert-to", "xlsx", "--outdir", str(out), str(workbook)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    with pytest.raises(LedgerError) as caught:
        record_payout(db, out / "payout.xlsx")
    assert caught.value.say.en == (
        f"{out / 'payout.xlsx'}: sheet 应付明细 row 3 is struck through: a rejected row is deleted, not struck"
        " through; delete the rows that were rejected (and remove the strikethrough from the others);"
        " nothing was recorded"
    )


def test_a_workbook_whose_styles_cannot_be_read_is_refused_not_recorded(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a struck row in a workbook whose styles part is over the limit the check reads (a bloated workbook):
    # the rows cannot be vouched for, so nothing is recorded (it used to be recorded, the struck row as paid)
    lines = [(CODE, "spin_off", None, 20000), (CODE_B, "rent", None, 500)]
    workbook = strike(write_payout(tmp_path / "payout.xlsx", lines), 3, range(1, len(PAYABLE_COLUMNS) + 1))
    monkeypatch.setattr(struck, "STYLES_LIMIT", 100)

    en, zh = record(workbook, db)

    assert (en.exit_code, zh.exit_code) == (2, 2)
    assert en.stderr == (
        f"error: {workbook}: sheet 应付明细 cannot be checked for rows struck through (the workbook's styles are"
        " too large or damaged): open it in Excel, save it, and try again; nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{workbook}：工作表 应付明细 无法检查各行是否被划了删除线（工作簿的样式部分过大或已损坏）："
        "请在 Excel 中打开并另存后再试；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0
    assert struck.struck_rows(workbook, "应付明细", {2, 3}) is None
    monkeypatch.setattr(struck, "STYLES_LIMIT", 64 << 20)
    assert struck.struck_rows(workbook, "应付明细", {2, 3}) == (3,)
