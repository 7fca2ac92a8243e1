"""Checks on output paths before any work is done (exists, folder, permission, a special file, a
closed standard output), atomic writes, and a failed write told as one line naming the output."""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Final

from tongnan_calc.core.say import Say, UserError
from tongnan_calc.files.kinds import DIRECTORY, is_dangling, special_kind


class OutputError(UserError):
    """An output path that cannot or must not be written; one line for the user."""


def check_output(path: Path, *, force: bool) -> None:
    """Refuse an output that exists (without ``force``), or whose folder is missing or read-only."""
    folder = path.parent if str(path.parent) else Path(".")
    kind = special_kind(path)
    if kind is DIRECTORY:
        raise OutputError(Say(f"{path} 是文件夹：请给出文件名", f"{path} is a directory: give a file name"))
    if kind is not None and not is_dangling(kind):  # never replaced, even with --force (a device, a pipe)
        raise OutputError(Say(f"{path} 是{kind.zh}：请给出文件名", f"{path} is {kind.en}: give a file name"))
    if path.exists() and not force:
        raise OutputError(Say(f"{path} 已存在：如要替换，请加 --force", f"{path} exists: use --force to replace it"))
    if not folder.is_dir():
        raise OutputError(
            Say(f"无法写入 {path}：文件夹 {folder} 不存在", f"cannot write {path}: folder {folder} does not exist")
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(
            Say(
                f"无法写入 {path}：没有在 {folder} 中写文件的权限",
                f"cannot write {path}: no permission to write in {folder}",
            )
        )


def check_xlsx_name(out: Path | None) -> None:
    """``--out`` names an .xlsx workbook: that is what is written (an .xls name would mislead Excel and
    the clerk).  Checked after ``check_outputs`` (a folder, a file given twice, an input: those messages
    first), before any work."""
    if out is not None and out.suffix.lower() != ".xlsx":
        raise OutputError(
            Say(
                f"{out}：--out 的文件名须以 .xlsx 结尾（写出的是 .xlsx 工作簿），例如 payout-2016.xlsx",
                f"{out}: the name given to --out must end in .xlsx (an .xlsx workbook is written), "
                "e.g. payout-2016.xlsx",
            )
        )


def check_outputs(outputs: Sequence[Path | None], inputs: Sequence[Path | None], *, force: bool) -> None:
    """Each output checked, and none of them an input of the same command or another output."""
    given = [path for path in outputs if path is not None]
    for path in given:
        check_output(path, force=force)
    seen: dict[Path, Path] = {}
    for path in given:
        key = _resolved(path)
        if key in seen:
            raise OutputError(
                Say(
                    f"{path} 被同时用作两个输出：请分别给出文件",
                    f"{path} is given as two outputs: give each its own file",
                )
            )
        seen[key] = path
    for source in inputs:
        if source is not None and _resolved(source) in seen:
            name = seen[_resolved(source)]
            raise OutputError(
                Say(
                    f"{name} 是本命令的输入文件：请另取一个文件名",
                    f"{name} is an input of this command: give another file name",
                )
            )


def _resolved(path: Path) -> Path:
    """``path`` made absolute, its symbolic links followed as far as they go (a loop raises no error:
    the opener of an input names it)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed onto it when the block succeeds.

    The file gets the permissions a newly created file would get (or those of the
    file it replaces), not the owner-only mode of a temporary file: a payout
    workbook in a shared folder must be readable by the colleagues who check it."""
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(out))
        os.replace(temporary, out)
    finally:
        if temporary.exists():
            temporary.unlink()


def _mode_for(out: Path) -> int:
    """The mode of the file being replaced, else 0o666 less the process's umask."""
    try:
        return stat.S_IMODE(out.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)  # read the umask (there is no other portable way) and put it back
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(out: Path, text: str) -> None:
    """Write a text file (UTF-8) so that a reader sees the old file or the new one, never half."""
    with atomic_path(out) as temporary:
        temporary.write_text(text, encoding="utf-8")


def save_atomic(out: Path, save: Callable[[IO[bytes]], object]) -> None:
    """Have a writer save into memory, then put the bytes in place atomically.

    A writer that fails on a full disk half-way through its own zip file leaves
    that file to be closed again when collected, which prints a second error;
    saving into memory keeps every disk error in one place, here."""
    buffer = io.BytesIO()
    save(buffer)
    with atomic_path(out) as temporary:
        temporary.write_bytes(buffer.getbuffer())


# --- a write that fails --------------------------------------------------------------------------------

STANDARD_OUTPUT: Final = Say("标准输出", "standard output")

_REASONS: Final = {
    errno.ENOSPC: Say("磁盘已满", "no space left on the device"),
    errno.EDQUOT: Say("超出磁盘配额", "disk quota exceeded"),
    errno.EFBIG: Say("文件过大", "file too large"),
    errno.EROFS: Say("文件系统是只读的", "read-only file system"),
    errno.EACCES: Say("没有写入权限", "permission denied"),
    errno.EPERM: Say("没有写入权限", "permission denied"),
    errno.EPIPE: Say("管道已关闭（读取的一方已退出）", "the pipe is closed (its reader has gone)"),
    errno.EBADF: Say("已关闭", "it is closed"),
    errno.EIO: Say("输入输出错误", "input/output error"),
}


def write_failure(error: OSError) -> Say:
    """Why a write failed, in both languages (the system's own text when not one of the usual reasons)."""
    known = _REASONS.get(error.errno or 0)
    if known is not None:
        return known
    text = error.strerror or str(error) or type(error).__name__
    return Say(text, text)


def cannot_write(output: Path | None, error: OSError) -> OutputError:
    """One line naming the output (``None``: standard output) and why it could not be written."""
    reason = write_failure(error)
    if output is None:
        return OutputError(Say(f"无法写到标准输出：{reason.zh}", f"cannot write to standard output: {reason.en}"))
    return OutputError(Say(f"无法写入 {output}：{reason.zh}", f"cannot write {output}: {reason.en}"))


@contextmanager
def writing(output: Path | None) -> Iterator[None]:
    """A failed write in the block (a full disk, a closed pipe) becomes ``cannot_write`` for ``output``
    (``None``: standard output, which is then pointed at the null device: the interpreter's own flush at
    exit would fail again, with a traceback)."""
    try:
        yield
    except OSError as error:
        if output is None:
            quiet_stdout()
        raise cannot_write(output, error) from None


def quiet_stdout() -> None:
    """Standard output pointed at the null device (what is still buffered is dropped there)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):  # no stdout, or not a file (a test's)
        return
    os.dup2(null, fd)
    os.close(null)


def check_stdout() -> None:
    """Refuse, before any work, to write to a standard output that is closed (``>&-``)."""
    stream = sys.stdout
    if stream is None:
        closed = True
    else:
        try:
            os.fstat(stream.fileno())
            closed = False
        except io.UnsupportedOperation:  # a stream without a descriptor (a test's, a program's): usable
            closed = False
        except (OSError, ValueError):  # a closed descriptor; ValueError: the stream itself closed
            closed = True
    if closed:
        raise OutputError(Say("无法写到标准输出：标准输出已关闭", "cannot write to standard output: it is closed"))
