"""Outputs that cannot be written: a closed standard output, a broken pipe, a full device, a full
file system.  Each is one line naming the output (the file, or standard output), exit 2, no
temporary file left behind and never an internal error — tested on real processes with a real
closed descriptor, ``/dev/full`` and a small full tmpfs mounted in a private mount namespace
(skipped, with the reason, where mounting is not allowed).  A folder that refuses writes is
refused before any work (tests/test_outputs.py, read-only folders).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hostile import MAIN, child_env, control, run_process, write_batch

CLOSED = {
    "zh": "错误：无法写到标准输出：标准输出已关闭",
    "en": "error: cannot write to standard output: it is closed",
}
PIPE = {
    "zh": "错误：无法写到标准输出：管道已关闭（读取的一方已退出）",
    "en": "error: cannot write to standard output: the pipe is closed (its reader has gone)",
}
FULL_STDOUT = {
    "zh": "错误：无法写到标准输出：磁盘已满",
    "en": "error: cannot write to standard output: no space left on the device",
}
FULL_FILE = {
    "zh": "错误：无法写入 {}：磁盘已满",
    "en": "error: cannot write {}: no space left on the device",
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_batch(tmp_path_factory.mktemp("streams") / "batch.xlsx", control())


def run_json_to(
    workbook: Path, lang: str, stdout: int | IO[Any] | None, *, preexec: Callable[[], None] | None = None
) -> tuple[int, str]:
    """``run --json -`` as a real process with the given standard output; its exit code and stderr."""
    argv = [sys.executable, "-c", MAIN, "run", workbook, "--year", 2016, "--no-ledger", "--json", "-", "--lang", lang]
    process = subprocess.run(
        [str(a) for a in argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=child_env(),
        preexec_fn=preexec,  # only closes a descriptor, before exec
        timeout=60,
        check=False,
    )
    return process.returncode, process.stderr.decode("utf-8")


def assert_last_line_only_error(stderr: str, line: str) -> None:
    """The error is the last line, the only error, and nothing internal was said."""
    lines = stderr.splitlines()
    assert lines[-1] == line, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and "internal error" not in stderr
    assert "内部错误" not in stderr
    assert sum(1 for each in lines if each.startswith(("error: ", "错误："))) == 1, stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_to_a_closed_stdout_is_refused_before_any_work(workbook: Path, lang: str) -> None:
    """``>&-``: the run computed everything, then failed with an internal AttributeError."""
    code, stderr = run_json_to(workbook, lang, None, preexec=lambda: os.close(1))
    assert (code, stderr) == (2, CLOSED[lang] + "\n")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_to_a_broken_pipe_is_one_line(workbook: Path, lang: str) -> None:
    """``| head -c 10`` that has already gone: the reading end is closed before the JSON is written."""
    read, write = os.pipe()
    os.close(read)
    try:
        code, stderr = run_json_to(workbook, lang, write)
    finally:
        os.close(write)
    assert code == 2, stderr
    assert_last_line_only_error(stderr, PIPE[lang])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_to_a_full_device_is_one_line(workbook: Path, lang: str) -> None:
    with open("/dev/full", "wb") as full:
        code, stderr = run_json_to(workbook, lang, full)
    assert code == 2, stderr
    assert_last_line_only_error(stderr, FULL_STDOUT[lang])


# --- a full file system ---------------------------------------------------------------------------

# In a private mount namespace: a 64 KiB tmpfs on $1, filled up, then the command; the folder's
# listing is written to stderr after it, on a line of its own.
FULL_TMPFS = (
    'mount -t tmpfs -o size=64k tmpfs "$1" || exit 97; '
    'dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; '
    'folder="$1"; shift; "$@"; code=$?; echo "LISTING: $(ls -A "$folder" | tr "\\n" " ")" >&2; exit $code'
)


@pytest.fixture(scope="module")
def full_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("full-tmpfs")
    probe = run_process(["unshare", "-m", "--propagation", "private", "sh", "-c", FULL_TMPFS, "sh", folder, "true"])
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (unshare -m, mount -t tmpfs): {probe.stderr.strip()[:200]}")
    yield folder


def on_full_tmpfs(folder: Path, *args: object, main: str = MAIN) -> tuple[int, str, str]:
    """``tongnan-calc ARGS`` on a full tmpfs at ``folder``: exit code, stderr without the listing, listing."""
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", FULL_TMPFS, "sh", folder]
    child = run_process([*argv, sys.executable, "-c", main, *args])
    lines = child.stderr.splitlines()
    assert lines and lines[-1].startswith("LISTING: "), child.stderr
    return child.returncode, "\n".join(lines[:-1]) + "\n", lines[-1].removeprefix("LISTING: ").strip()


# how the payout workbook is written (xlsx_book.open_book chooses by size; the example is small: in memory)
STREAMED = "from tongnan_calc.report import xlsx_book; xlsx_book.IN_MEMORY_BELOW = 0; "
CASES = [
    ("json-zh", "--json", "result.json", "zh", ""),
    ("json-en", "--json", "result.json", "en", ""),
    ("out-zh", "--out", "payout.xlsx", "zh", ""),
    ("out-en", "--out", "payout.xlsx", "en", ""),
    ("out-streamed-zh", "--out", "payout.xlsx", "zh", STREAMED),
    ("out-streamed-en", "--out", "payout.xlsx", "en", STREAMED),
]


@pytest.mark.parametrize(("option", "name", "lang", "setup"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_output_on_a_full_file_system_is_one_line_and_leaves_nothing(
    workbook: Path, full_folder: Path, option: str, name: str, lang: str, setup: str
) -> None:
    target = full_folder / name
    args = ("run", workbook, "--year", 2016, "--no-ledger", option, target, "--lang", lang)
    code, stderr, listing = on_full_tmpfs(full_folder, *args, main=setup + MAIN)
    assert (code, stderr) == (2, FULL_FILE[lang].format(target) + "\n")
    assert listing == "fill"  # no output, no temporary file
