"""`tongnan-calc --lang en check …`: the --lang given before the command was accepted (and turned the help
into English) but every command then spoke Chinese, its own --lang defaulting to zh.  A --lang before the
command is now the command's default; one given after the command still wins."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from ledger_helpers import new_ledger
from typer.testing import CliRunner

from tongnan_calc.cli.app import app

A = "91500223MA5U7K3L2W"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "企业信息"
    sheet.append(["统一社会信用代码", "企业名称", "电子商务法人企业"])
    sheet.append([A, "甲", "是"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    return path


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_lang_before_the_command_is_the_commands_language(workbook: Path) -> None:
    english = f"{workbook}: 1 enterprise, 1 row read; 0 errors, 0 warnings, 0 notices; no errors: ready to run\n"
    chinese = f"{workbook}：读取 1 家企业、1 行数据；0 个错误，0 个警告，0 个提示；没有错误，可以运行计算\n"

    assert invoke("--lang", "en", "check", workbook) == (0, english, "")
    assert invoke("--lang=en", "check", workbook) == (0, english, "")
    assert invoke("check", workbook, "--lang", "en") == (0, english, "")
    # the command's own --lang wins; without any, Chinese (nothing kept from the invocation before)
    assert invoke("--lang", "en", "check", workbook, "--lang", "zh") == (0, chinese, "")
    assert invoke("check", workbook) == (0, chinese, "")


def test_lang_before_a_ledger_command_and_its_errors(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    missing = tmp_path / "none.xlsx"

    assert invoke("--lang", "en", "ledger", "list", "--ledger", db) == (0, "no entries\n", "")
    assert invoke("ledger", "--lang", "en", "list", "--ledger", db) == (0, "no entries\n", "")
    assert invoke("ledger", "list", "--ledger", db) == (0, "没有条目\n", "")
    assert invoke("--lang", "en", "ledger", "record", missing, "--ledger", db) == (
        2,
        "",
        f"error: {missing}: file not found\n",
    )
