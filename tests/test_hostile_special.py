"""Special files given where a file is read or written: a named pipe, a character device, a socket,
a directory, a symbolic link loop, a symbolic link to nothing.

The input workbook, the rule file, the ledger and the history workbook are opened only when they
are regular files (or symbolic links to one): anything else is one line naming the path and what
it is, exit 2, without blocking (a named pipe is never opened: opening it would wait for a writer)
and never an internal error.  An output path that is such a thing is refused too, even with
--force: replacing it would replace the device or the pipe itself.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile import cli, cli_child, control, write_batch

from tongnan_calc.files.kinds import special_kind
from tongnan_calc.ledger import init_ledger

KINDS: dict[str, tuple[str, str]] = {
    "fifo": ("命名管道（FIFO）", "a named pipe (FIFO)"),
    "dev-null": ("字符设备", "a character device"),
    "dev-zero": ("字符设备", "a character device"),
    "socket": ("套接字（socket）", "a socket"),
    "directory": ("文件夹", "a directory"),
    "loop": ("循环的符号链接", "a symbolic link loop"),
    "dangling": ("指向不存在的文件的符号链接（{}）", "a symbolic link to a missing file ({})"),
}


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_batch(tmp_path / "batch.xlsx", control())


@pytest.fixture
def made(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """A maker of each special path, in a folder of its own (sockets are closed at the end)."""
    sockets: list[socket.socket] = []
    folder = tmp_path / "special"
    folder.mkdir()

    def make(kind: str) -> Path:
        path = folder / f"{kind}.xlsx"
        if kind == "fifo":
            os.mkfifo(path)
        elif kind in ("dev-null", "dev-zero"):
            return Path("/dev/null" if kind == "dev-null" else "/dev/zero")
        elif kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(path))
            sockets.append(server)
        elif kind == "directory":
            path.mkdir()
        elif kind == "loop":
            path.symlink_to(path.name)
        elif kind == "dangling":
            path.symlink_to(folder / "gone.xlsx")
        return path

    yield make
    for each in sockets:
        each.close()


def kind_of(name: str, path: Path, lang: str) -> str:
    zh, en = KINDS[name]
    text = zh if lang == "zh" else en
    return text.format(path.parent / "gone.xlsx") if name == "dangling" else text


def expected(role: str, path: Path, kind: str, lang: str) -> str:
    if lang == "zh":
        return {
            "workbook": f"错误：{path}：这是{kind}，不是工作簿（.xlsx/.xls/.xlsb/.ods）",
            "rules": f"错误：{path}:0: 这是{kind}，不是规则文件",
            "ledger": f"错误：台账 {path} 是{kind}，不是文件",
            "history": f"错误：{path}：这是{kind}，不是工作簿（.xlsx/.xls/.xlsb/.ods）",
            "out": f"错误：{path} 是{kind}：请给出文件名",
            "json": f"错误：{path} 是{kind}：请给出文件名",
        }[role]
    return {
        "workbook": f"error: {path}: is {kind}, not a workbook (.xlsx/.xls/.xlsb/.ods)",
        "rules": f"error: {path}:0: is {kind}, not a rule file",
        "ledger": f"error: ledger {path} is {kind}, not a file",
        "history": f"error: {path}: is {kind}, not a workbook (.xlsx/.xls/.xlsb/.ods)",
        "out": f"error: {path} is {kind}: give a file name",
        "json": f"error: {path} is {kind}: give a file name",
    }[role]


def history_ledger(folder: Path) -> Path:
    """The ledger a history workbook is imported into: a named ledger must exist (`ledger init`), and
    it is kept apart from ``ledger.sqlite``, which no refused command may create."""
    ledger = folder / "history" / "ledger.sqlite"
    if not ledger.exists():
        ledger.parent.mkdir(exist_ok=True)
        init_ledger(ledger)
    return ledger


def command(role: str, path: Path, workbook: Path, lang: str) -> list[object]:
    run = ["run", workbook, "--year", 2016, "--lang", lang]
    return {
        "workbook": ["run", path, "--year", 2016, "--no-ledger", "--lang", lang],
        "rules": [*run, "--no-ledger", "--rules", path],
        "ledger": [*run, "--ledger", path],
        "history": ["ledger", "import", path, "--ledger", history_ledger(workbook.parent), "--lang", lang],
        "out": [*run, "--no-ledger", "--out", path, "--force"],
        "json": [*run, "--no-ledger", "--json", path, "--force"],
    }[role]


ROLES = ["workbook", "rules", "ledger", "history", "out", "json"]
INPUT_ROLES = ["workbook", "rules", "ledger", "history"]
CASES = [
    (role, kind)
    for role in ROLES
    for kind in KINDS
    if kind != "fifo"  # as a real process, below
    and not (role in ("out", "json") and kind == "dangling")  # a new file is made there: nothing to refuse
]


@pytest.mark.parametrize(("role", "kind"), CASES, ids=[f"{r}-{k}" for r, k in CASES])
def test_a_special_path_is_one_line_naming_what_it_is(
    made: Callable[[str], Path], workbook: Path, role: str, kind: str
) -> None:
    path = made(kind)
    for lang in ("zh", "en"):
        result = cli(*command(role, path, workbook, lang))
        assert (result.exit_code, result.stdout) == (2, ""), result.stderr
        assert result.stderr == expected(role, path, kind_of(kind, path, lang), lang) + "\n"
    assert not (workbook.parent / "ledger.sqlite").exists()  # refused before any ledger is made


@pytest.mark.parametrize("role", ROLES)
def test_a_named_pipe_never_blocks_a_real_process(made: Callable[[str], Path], workbook: Path, role: str) -> None:
    """Opened, a named pipe waits for a writer: the run hung until killed."""
    path = made("fifo")
    child = cli_child(*command(role, path, workbook, "en"), timeout=30)
    assert (child.returncode, child.stdout, child.stderr) == (
        2,
        "",
        expected(role, path, kind_of("fifo", path, "en"), "en") + "\n",
    )


def test_a_symbolic_link_to_a_regular_file_is_read(workbook: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.xlsx"
    link.symlink_to(workbook)
    assert special_kind(link) is None
    result = cli("run", link, "--year", 2016, "--no-ledger", "--json", "-", "--lang", "en")
    assert result.exit_code == 0, result.stderr


def test_a_dangling_output_link_is_written_through(workbook: Path, tmp_path: Path) -> None:
    """A symbolic link to a file not made yet is a place to write: the JSON replaces the link."""
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "nowhere.json")
    result = cli("run", workbook, "--year", 2016, "--no-ledger", "--json", link, "--force", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert link.is_file() and not link.is_symlink()


ODD_PATHS: list[tuple[str, Callable[[Path], Path]]] = [
    ("under-a-file", lambda folder: folder / "batch.xlsx" / "x.xlsx"),
    ("name-too-long", lambda folder: folder / ("a" * 300)),
    ("missing-folder", lambda folder: folder / "nowhere" / "x.xlsx"),
]


@pytest.mark.parametrize("role", INPUT_ROLES)
@pytest.mark.parametrize(("name", "odd"), ODD_PATHS, ids=[n for n, _ in ODD_PATHS])
def test_no_path_is_an_internal_error(workbook: Path, role: str, name: str, odd: Callable[[Path], Path]) -> None:
    path = odd(workbook.parent)
    result = cli(*command(role, path, workbook, "en"))
    assert result.exit_code == 2, (name, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert str(path) in lines[0] and "internal error" not in lines[0]
