"""Guards of ``ledger record`` and ``ledger import``: hidden rows, tiers that are no threshold,
one-time rewards and the lifetime interest cap across years."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tongnan_calc.cli import app as main_app
from tongnan_calc.cli_ledger import app as ledger_app
from tongnan_calc.ledger import LedgerError, read_prior, record_payout

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(ledger_app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


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
    sheet.auto_filter.ref = f"A1:J{sheet.max_row}"
    sheet.auto_filter.add_filter_column(2, ["rent"])
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=3).value != "rent":
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

    report = record_payout(db, payout)

    assert report.added == 10


def test_a_deleted_row_is_still_not_recorded_and_nothing_hidden_is_fine(
    computed: Path, tmp_path: Path, db: Path
) -> None:
    payout = payout_copy(computed, tmp_path)
    book = load_workbook(payout)
    book["应付明细"].delete_rows(5)
    book.save(payout)

    assert record_payout(db, payout).added == 9
