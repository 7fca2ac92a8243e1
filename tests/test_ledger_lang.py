"""The ledger commands in Chinese (the default) and in English (``--lang en``).

tests/test_ledger.py pins the English texts; this file pins the Chinese ones
exactly, checks that Chinese is the default, and that both languages of a
message say the same thing (same numbers, files and ids).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from factories import CODE, CODE_B, CODE_C
from ledger_helpers import (
    HISTORY_HEADERS,
    RunInfo,
    code,
    column_number,
    edit_cell,
    new_ledger,
    sql,
    write_history,
    write_payout,
)
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tongnan_calc import __version__
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.core.say import Say
from tongnan_calc.ledger import (
    LOCKED,
    LOCKED_SAY,
    HistoryIssue,
    LedgerError,
    connection,
    export,
    import_history,
    init_ledger,
    migrations,
    read_prior,
    record_payout,
    reverse,
)

runner = CliRunner()

LINES = (
    (CODE, "spin_off", None, 20000),
    (CODE_B, "data_line", None, "30000.5"),
    (CODE_C, "sales_milestone", 50000000, 100000),
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_ledger(tmp_path / "ledger.sqlite")


def cli(*args: str | Path) -> Result:
    """``tongnan-calc ledger ARGS`` exactly as typed: no --lang unless ARGS give one."""
    return runner.invoke(ledger_app, [str(a) for a in args], env={"COLUMNS": "300"})  # a long temporary path fits


def both(*args: str | Path) -> tuple[Result, Result]:
    """The same command without --lang (Chinese) and with --lang en."""
    return cli(*args), cli(*args, "--lang", "en")


def history(tmp_path: Path, *rows: tuple[object, ...], name: str = "history.xlsx") -> Path:
    return write_history(tmp_path / name, rows)


def refusal(action: object) -> Say:
    """The message of the ``LedgerError`` that ``action()`` raises."""
    assert callable(action)
    with pytest.raises(LedgerError) as caught:
        action()
    assert str(caught.value) == caught.value.say.en  # str() stays English (logs, tracebacks)
    return caught.value.say


# --- the default language and the error prefix ----------------------------------------------------


def test_the_default_is_chinese_and_errors_start_with_the_chinese_prefix(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    chinese, english = both("list", "--ledger", db)
    explicit = cli("list", "--ledger", db, "--lang", "zh")

    assert (chinese.exit_code, chinese.stdout) == (2, "")
    assert chinese.stderr == (
        f"错误：台账 {db}（由 --ledger 指定）不存在，未创建任何文件：请检查路径；"
        f"新建本局的台账请用 `tongnan-calc ledger init {db}`\n"
    )
    assert explicit.stderr == chinese.stderr
    assert (english.exit_code, english.stderr) == (
        2,
        f"error: ledger {db} (named with --ledger) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {db}`\n",
    )
    assert not db.exists()


def test_every_ledger_command_takes_lang(tmp_path: Path) -> None:
    db = tmp_path / "missing.sqlite"
    commands = {
        "import": ["import", tmp_path / "none.xlsx"],
        "record": ["record", tmp_path / "none.xlsx"],
        "list": ["list"],
        "export": ["export", tmp_path / "out.xlsx"],
        "reverse": ["reverse", "1", "--reason", "x"],
    }
    for name, args in commands.items():
        chinese, english = both(*args, "--ledger", db)
        assert (name, chinese.exit_code, english.exit_code) == (name, 2, 2)
        assert chinese.stderr.startswith("错误：") and english.stderr.startswith("error: "), (name, chinese.stderr)
        assert len(chinese.stderr.splitlines()) == 1, (name, chinese.stderr)
    bad = cli("list", "--ledger", db, "--lang", "fr")
    assert bad.exit_code == 2 and "fr" in bad.output


# --- success summaries ------------------------------------------------------------------------------


def test_import_summary(tmp_path: Path, db: Path) -> None:
    workbook = history(tmp_path, (CODE, 2015, "spin_off", None, 20000), (CODE_B, 2015, "rent", None, 500))

    first = cli("import", workbook, "--ledger", db)
    again = cli("import", workbook, "--ledger", db)
    again_en = cli("import", workbook, "--ledger", db, "--lang", "en")

    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout == f"已将 {workbook}（工作表 payouts）2 行中的 2 行导入台账 {db}\n"
    assert again.stdout == f"已将 {workbook}（工作表 payouts）2 行中的 0 行导入台账 {db}；2 行此前已记录\n"
    assert again_en.stdout == f"imported 0 of 2 rows from {workbook} (sheet payouts) into {db}; 2 already recorded\n"


def test_import_with_errors_lists_the_issues_in_chinese(tmp_path: Path, db: Path) -> None:
    workbook = history(
        tmp_path,
        (CODE, 2015, "spin_off", None, 20000),
        (CODE_B, "20x5", "rent", None, 500),
        (CODE_C, 2015, "key_support", None, "1.234"),
    )

    refused = cli("import", workbook, "--ledger", db)
    allowed = cli("import", workbook, "--allow-errors", "--ledger", db)

    issues = (
        "错误：历史发放 第3行 年度(year)：应为年份，如 2015，实际为“20x5”\n"
        "错误：历史发放 第4行 措施(measure)：应为发放资金的措施（rent、spin_off、data_line、sales_milestone、"
        "loan_interest），实际为“key_support”：这是标识类措施，从不发放资金\n"
        "错误：历史发放 第4行 金额(amount)：应为最多两位小数的金额，实际为“1.234”\n"
    )
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == issues + "未导入任何内容：2 行有错误；请改正，或用 --allow-errors 只导入无误的行\n"
    assert (allowed.exit_code, allowed.stderr) == (1, issues)
    assert allowed.stdout == f"已将 {workbook}（工作表 payouts）3 行中的 1 行导入台账 {db}；2 行有错误，未导入\n"


def test_record_summaries(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    empty = write_payout(tmp_path / "empty.xlsx", [])

    first = cli("record", workbook, "--ledger", db)
    second, second_en = both("record", workbook, "--ledger", db)
    nothing, nothing_en = both("record", empty, "--ledger", db)

    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout == f"已将 {workbook} 中 2016 年度的 3 笔发放（150,000.50 元）记入台账 {db}\n"
    assert second.stdout == f"没有新的发放：{workbook} 的全部 3 行均已记入台账 {db}\n"
    assert second_en.stdout == f"nothing new: all 3 rows of {workbook} are already recorded in {db}\n"
    assert nothing.stdout == f"未记录任何发放：{empty} 中没有应付明细行\n"
    assert nothing_en.stdout == f"nothing recorded: {empty} has no payable rows\n"


def test_record_summary_with_rows_already_recorded(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "first.xlsx", LINES[:1]))
    more = write_payout(tmp_path / "more.xlsx", LINES)

    result = cli("record", more, "--ledger", db)

    assert result.stdout == f"已将 {more} 中 2016 年度的 2 笔发放（130,000.50 元）记入台账 {db}；1 笔此前已记录\n"


def test_record_warnings(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE_C, 2015, "sales_milestone", 100000000, 1)))
    workbook = write_payout(tmp_path / "p.xlsx", LINES, ledger_used="未使用台账")

    chinese = cli("record", workbook, "--ledger", db)

    assert chinese.exit_code == 0
    assert chinese.stderr == (
        f"警告：{workbook} 计算时未使用台账：以往年度的发放未被考虑\n"
        f"警告：第4行：{CODE_C} sales_milestone 档次 50000000 2016年 属一次性奖励，"
        "已按2015年度发放过（档次 100000000）（条目 1）\n"
    )


def test_list_table_headings_and_totals(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    reverse(db, 2, "财政局退回")

    chinese, english = both("list", "--ledger", db)
    none, none_en = both("list", "--year", "2015", "--ledger", db)

    header = next(line for line in chinese.stdout.splitlines() if "条目号" in line)
    assert [cell.strip() for cell in header.strip("┃ ").split("┃")] == [
        "条目号",
        "类型",
        "统一社会信用代码",
        "年度",
        "措施",
        "档次",
        "金额",
        "备注",
    ]
    rows = {line.split("│")[1].strip(): line for line in chinese.stdout.splitlines() if line.startswith("│")}
    assert "发放" in rows["1"] and f"记录 {tmp_path / 'payout.xlsx'} 第2行" in rows["1"]
    assert "已被条目 4 冲销" in rows["2"]
    assert "冲销" in rows["4"] and "冲销条目 2：财政局退回" in rows["4"] and "-30,000.50" in rows["4"]
    assert chinese.stdout.endswith("共 4 个条目；有效发放 2 笔，合计 120,000.00 元\n")
    assert english.stdout.endswith("4 entries; 2 payouts in force, 120,000.00 yuan\n")
    assert "┃ id ┃ kind" in english.stdout and "条目号" not in english.stdout
    assert (none.stdout, none_en.stdout) == ("没有条目\n", "no entries\n")


def test_export_summary_and_headings(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    reverse(db, 1, "错录")
    out, out_en = tmp_path / "台账.xlsx", tmp_path / "ledger-en.xlsx"

    chinese = cli("export", out, "--ledger", db)
    english = cli("export", out_en, "--ledger", db, "--lang", "en")

    assert (chinese.exit_code, chinese.stdout) == (0, f"已导出 4 个条目到 {out}\n")
    assert (english.exit_code, english.stdout) == (0, f"exported 4 entries to {out_en}\n")
    zh_book, en_book = load_workbook(out), load_workbook(out_en)
    assert zh_book.sheetnames == ["历史发放", "全部记录"]
    assert en_book.sheetnames == ["payouts", "entries"]
    assert [c.value for c in zh_book["历史发放"][1]] == [
        "统一社会信用代码",
        "年度",
        "措施",
        "档次",
        "金额",
        "条目号",
        "来源",
        "记录时间",
    ]
    assert [c.value for c in en_book["payouts"][1]][:5] == list(HISTORY_HEADERS)
    assert [c.value for c in zh_book["全部记录"][1]][:2] == ["条目号", "类型"]
    assert [c.value for c in zh_book["全部记录"]["B"]][1:] == ["发放", "发放", "发放", "冲销"]
    assert [c.value for c in en_book["entries"]["B"]][1:] == ["payout", "payout", "payout", "reversal"]
    assert zh_book["历史发放"]["G2"].value == f"记录 {tmp_path / 'payout.xlsx'} 第3行"
    assert en_book["payouts"]["G2"].value == f"record {tmp_path / 'payout.xlsx'} row 3"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_export_in_either_language_imports_again(tmp_path: Path, db: Path, lang: str) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    reverse(db, 2, "x")
    out = tmp_path / f"export-{lang}.xlsx"
    export(db, out, "zh" if lang == "zh" else "en")

    copy = new_ledger(tmp_path / "copy.sqlite")
    report = import_history(copy, out)

    assert (report.imported, report.added, report.issues) == (True, 2, ())
    assert read_prior(copy).payouts == read_prior(db).payouts


def test_an_export_of_an_earlier_version_with_its_headings_imports_again(tmp_path: Path, db: Path) -> None:
    """Exports written before the headings said 条目号 said 记录号: still read silently."""
    workbook = write_history(
        tmp_path / "old-export.xlsx",
        [(CODE, 2015, "spin_off", None, 20000, 1)],
        sheet="历史发放",
        headers=("统一社会信用代码", "年度", "措施", "档次", "金额", "记录号"),
    )
    report = import_history(db, workbook)
    assert (report.added, report.issues) == (1, ())


def test_reverse_summary(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))

    chinese = cli("reverse", "3", "--reason", "草稿表误录", "--ledger", db)
    english = cli("reverse", "1", "--reason", "draft", "--ledger", db, "--lang", "en")

    assert (chinese.exit_code, chinese.stdout) == (
        0,
        f"条目 4 冲销条目 3：{CODE_C} sales_milestone 档次 50,000,000 2016年度，100,000.00 元（草稿表误录）\n",
    )
    assert english.stdout == f"entry 5 reverses entry 1: {CODE} spin_off 2016, 20,000.00 yuan (draft)\n"


# --- refusals (LedgerError) in Chinese ---------------------------------------------------------------


def test_not_a_ledger(tmp_path: Path, db: Path) -> None:
    db.write_bytes(os.urandom(2048))
    chinese, english = both("list", "--ledger", db)

    assert (chinese.exit_code, chinese.stderr) == (
        2,
        f"错误：{db} 不是 tongnan-calc 台账（不是 SQLite 数据库），文件未作任何改动\n",
    )
    assert (
        english.stderr == f"error: {db} is not a tongnan-calc ledger (not an SQLite database); it was left unchanged\n"
    )

    other = tmp_path / "other.sqlite"
    sql(other, "CREATE TABLE t (x)")
    assert refusal(lambda: read_prior(other)).zh == (
        f"{other} 不是 tongnan-calc 台账（其他程序的 SQLite 数据库），文件未作任何改动"
    )
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert refusal(lambda: read_prior(empty)).zh == f"{empty} 不是 tongnan-calc 台账（空文件），文件未作任何改动"


def test_newer_schema(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    newer = migrations.SCHEMA_VERSION + 1
    sql(db, f"PRAGMA user_version = {newer}")

    result = cli("record", write_payout(tmp_path / "p.xlsx", LINES), "--ledger", db)

    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：台账 {db} 的结构版本为 {newer}，高于本版 tongnan-calc {__version__}"
        f" 所能识别的版本（{migrations.SCHEMA_VERSION}）：请升级 tongnan-calc\n",
    )


def test_edited_rows_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    edit_cell(workbook, "应付明细", 3, column_number("amount"), 40000)
    one = refusal(lambda: record_payout(db, workbook))
    edit_cell(workbook, "应付明细", 4, column_number("tier"), 100000000)

    result = cli("record", workbook, "--ledger", db)

    assert one.zh == (
        f"{workbook}：工作表 应付明细 第3行在 tongnan-calc 生成后被改动过"
        "（校验码与统一社会信用代码、措施、档次、金额不符）；未记录任何发放"
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"错误：{workbook}：工作表 应付明细 第3、4行在 tongnan-calc 生成后被改动过"
        "（校验码与统一社会信用代码、措施、档次、金额不符）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 0


def test_rows_added_or_copied_refused(tmp_path: Path, db: Path) -> None:
    copied = write_payout(tmp_path / "copied.xlsx", (*LINES, LINES[0]))
    added = write_payout(tmp_path / "added.xlsx", LINES)
    book = load_workbook(added)
    for _ in range(7):  # below the tool's footer (rows 5-8)
        book["应付明细"].append(["合计", *[None] * (column_number("amount") - 2), 150000.5])
    book.save(added)

    assert refusal(lambda: record_payout(db, copied)).zh == (
        f"{copied}：工作表 应付明细 第2行与第5行是同一笔发放（{CODE} spin_off 2016年）：有行被复制了；未记录任何发放"
    )
    assert refusal(lambda: record_payout(db, added)) == Say(
        f"{added}：工作表 应付明细 第9、10、11、12、13等7行没有校验码：tongnan-calc 生成发放表之后添加的行不能记录，"
        "请删除这些行；未记录任何发放",
        f"{added}: sheet 应付明细 rows 9, 10, 11, 12, 13 and 2 more have no check value (校验码): rows added after"
        " tongnan-calc wrote the workbook cannot be recorded, delete them; nothing was recorded",
    )


def test_an_unreadable_cell_of_a_payable_row(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    edit_cell(workbook, "应付明细", 3, column_number("amount"), "abc")

    assert refusal(lambda: record_payout(db, workbook)) == Say(
        f"{workbook}：工作表 应付明细 第3行 金额（元）(amount)列：应为金额，如 1,234.50，实际为“abc”；未记录任何发放",
        f"{workbook}: sheet 应付明细 row 3 column 金额（元） (amount): expected an amount such as 1,234.50, got 'abc';"
        " nothing was recorded",
    )


def test_conflict(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "first.xlsx", LINES[:2]))
    rerun = RunInfo(input_sha256="3" * 64)
    second = write_payout(
        tmp_path / "second.xlsx", [(CODE_B, "data_line", None, 10), (CODE, "spin_off", None, 15000)], run=rerun
    )

    result = cli("record", second, "--ledger", db)

    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：{second}：工作表 应付明细 第2行：{CODE_B} data_line 2016年 已记入台账（条目 2），金额为 30000.50，"
        "而非 10.00（另有1行与台账冲突）；未记录任何发放（如条目 2 有误，请先冲销）\n",
    )
    assert read_prior(db).entries == 2


def test_reverse_refusals(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    reverse(db, 1, "错录")

    unknown = cli("reverse", "9", "--reason", "x", "--ledger", db)
    twice = cli("reverse", "1", "--reason", "x", "--ledger", db)
    of_reversal = cli("reverse", "4", "--reason", "x", "--ledger", db)
    no_reason = cli("reverse", "2", "--reason", "  ", "--ledger", db)

    assert (unknown.exit_code, unknown.stderr) == (2, f"错误：台账 {db} 中没有条目 9\n")
    assert (twice.exit_code, twice.stderr) == (2, "错误：条目 1 已被条目 4 冲销，不能重复冲销\n")
    assert (of_reversal.exit_code, of_reversal.stderr) == (2, "错误：条目 4 本身是冲销条目（冲销条目 1），不能再冲销\n")
    assert (no_reason.exit_code, no_reason.stderr) == (2, "错误：冲销条目须写明原因（--reason）\n")
    assert read_prior(db).entries == 4


def test_unknown_measure(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    chinese, english = both("list", "--measure", "bonus", "--ledger", db)

    assert (chinese.exit_code, chinese.stderr) == (
        2,
        "错误：未知的措施 'bonus'：应为 rent、spin_off、data_line、sales_milestone、loan_interest 之一\n",
    )
    assert english.stderr == (
        "error: unknown measure 'bonus': expected one of rent, spin_off, data_line, sales_milestone, loan_interest\n"
    )


def test_workbooks_that_are_not_what_the_command_reads(tmp_path: Path, db: Path) -> None:
    no_provenance = write_payout(tmp_path / "a.xlsx", LINES, with_provenance=False)
    other_tool = write_payout(tmp_path / "b.xlsx", LINES, tool="excel-macro")
    bad_digest = write_payout(tmp_path / "c.xlsx", LINES, run=RunInfo(rules_sha256="abc"))
    no_sheet = write_history(tmp_path / "h.xlsx", [], sheet="Sheet1")

    assert [refusal(lambda w=w: record_payout(db, w)).zh for w in (no_provenance, other_tool, bad_digest)] == [
        f"{no_provenance} 不是 tongnan-calc run 生成的发放表：缺少工作表 来源",
        f"{other_tool} 不是 tongnan-calc run 生成的发放表：工作表 来源 所列工具为 'excel-macro'",
        f"{bad_digest} 不是 tongnan-calc run 生成的发放表：工作表 来源 中的 rules_sha256 不是 SHA-256 值：'abc'",
    ]
    assert refusal(lambda: import_history(db, no_sheet)) == Say(
        f"{no_sheet} 中没有工作表 历史发放（payouts）", f"{no_sheet} has no sheet payouts (历史发放)"
    )
    assert read_prior(db).entries == 0


def test_export_refusals(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))

    csv = refusal(lambda: export(db, tmp_path / "x.csv"))
    nowhere = refusal(lambda: export(db, tmp_path / "nowhere" / "x.xlsx"))
    itself = cli("export", db, "--force", "--ledger", db)

    assert csv.zh == f"无法写入 {tmp_path / 'x.csv'}：文件名须以 .xlsx 结尾"
    assert nowhere.zh == f"无法写入 {tmp_path / 'nowhere' / 'x.xlsx'}：文件夹 {tmp_path / 'nowhere'} 不存在"
    assert (itself.exit_code, itself.stderr) == (2, f"错误：无法写入 {db}：文件名须以 .xlsx 结尾\n")


def test_a_ledger_that_is_not_a_file_and_a_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    nowhere = tmp_path / "nowhere" / "ledger.sqlite"

    assert refusal(lambda: read_prior(folder)).zh == f"台账 {folder} 是文件夹，不是文件"
    assert refusal(lambda: init_ledger(nowhere)).zh == f"无法创建台账 {nowhere}：文件夹 {nowhere.parent} 不存在"
    assert refusal(lambda: record_payout(nowhere, write_payout(tmp_path / "p.xlsx", LINES))).zh == (
        f"台账 {nowhere} 不存在，未创建任何文件：请检查路径；新建本局的台账请用 `tongnan-calc ledger init {nowhere}`"
    )
    assert not nowhere.parent.exists()


def test_a_bad_amount_in_the_ledger(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    sql(db, "DROP TRIGGER entries_no_update")  # damage done outside the tool
    sql(db, "UPDATE entries SET amount = 'abc' WHERE id = 1")

    assert refusal(lambda: read_prior(db)) == Say(
        "台账条目 1 的金额有误：'abc'", "ledger entry 1 has a bad amount 'abc'"
    )


def test_a_ledger_locked_by_another_writer(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        chinese, english = both("record", write_payout(tmp_path / "p.xlsx", LINES), "--ledger", db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert (chinese.exit_code, chinese.stderr) == (2, "错误：台账正由他人写入（已锁定）：请稍后重试\n")
    assert (english.exit_code, english.stderr) == (2, f"error: {LOCKED}\n")
    assert LOCKED_SAY.en == LOCKED
    assert read_prior(db).entries == 1


# --- history import issues, one per kind --------------------------------------------------------------


def test_history_issues_in_both_languages(tmp_path: Path, db: Path) -> None:
    workbook = history(
        tmp_path,
        ("91500223MA5U7K3L2", 2015, "spin_off", None, 20000),
        (CODE, 2015, "sales_milestone", None, 100000),
        (CODE, 2015, "rent", 5, 100),
        (CODE, 2015, "rent", None, "-5"),
        (CODE, 2015, "spin_off", None, 20000),
        (CODE, 2015, "spin_off", None, 20000),
        ("91500223MA5U7K3L2X", 2016, "spin_off", None, 20000),
        (123456789012345678, 2016, "spin_off", None, 20000),
        ("91500223MA5U7K3LIW", 2016, "spin_off", None, 20000),
        (code(9), 2016, "rent", None, ""),
    )
    report = import_history(db, workbook)

    assert [h.line("zh") for h in report.history_issues] == [
        "错误：历史发放 第2行 统一社会信用代码(credit_code)：统一社会信用代码应为18位，实际为17位：“91500223MA5U7K3L2”",
        "错误：历史发放 第3行 档次(tier)：应为档次的门槛金额（元，sales_milestone 须填写），实际为空白",
        "错误：历史发放 第4行 档次(tier)：应为空白（只有 sales_milestone 有档次），实际为5",
        "错误：历史发放 第5行 金额(amount)：应为不小于 0 的金额，实际为“-5”",
        "错误：历史发放 第6行：与第7行是同一笔发放（统一社会信用代码、年度、措施、档次均相同）",
        "错误：历史发放 第7行：与第6行是同一笔发放（统一社会信用代码、年度、措施、档次均相同）",
        "警告：历史发放 第8行 统一社会信用代码(credit_code)：校验位应为“W”，实际为“X”：代码可能录入有误（该行仍参与计算）",
        "错误：历史发放 第9行 统一社会信用代码(credit_code)：统一社会信用代码被录入为数字，Excel 已丢失部分数字："
        "请将单元格设为文本后重新录入",
        "错误：历史发放 第10行 统一社会信用代码(credit_code)：统一社会信用代码只能由数字和字母 A-H、J-N、P-R、T、U、W-Y组成，"
        "第17位却是“I”",
        "错误：历史发放 第11行 金额(amount)：应为金额，如 1,234.50，实际为空白",
    ]
    assert [h.line("en") for h in report.history_issues][:2] == [
        "error: payouts row 2 credit_code: expected a unified social credit code of 18 characters, got 17:"
        " '91500223MA5U7K3L2'",
        "error: payouts row 3 tier: expected the tier's threshold in yuan (sales_milestone has one), got blank",
    ]
    assert all(isinstance(h, HistoryIssue) and h.issue.message and h.zh for h in report.history_issues)


def test_history_header_issues_in_chinese(tmp_path: Path, db: Path) -> None:
    workbook = write_history(
        tmp_path / "h.xlsx", [(CODE, 2015, "x", 1)], headers=("credit_code", "year", "备注", "tier", "年度 ")
    )
    report = import_history(db, workbook)

    assert not report.imported
    assert [h.line("zh") for h in report.history_issues] == [
        "错误：历史发放 措施(measure)：缺少列 措施（measure）",
        "错误：历史发放 金额(amount)：缺少列 金额（amount）",
        "提示：历史发放 第1行：已忽略无法识别的列：备注",
        "错误：历史发放 第1行 年度(year)：列 年度 出现了两次",
    ]


def test_import_conflict_issue_in_chinese(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    changed = history(tmp_path, (CODE, 2015, "spin_off", None, 15000), name="changed.xlsx")

    result = cli("import", changed, "--ledger", db)

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "错误：历史发放 第2行 金额(amount)：台账中已有这笔发放（条目 1），金额为 20000.00：如条目 1 有误，请先冲销\n"
        "未导入任何内容：1 行有错误；请改正，或用 --allow-errors 只导入无误的行\n"
    )
