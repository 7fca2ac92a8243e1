"""What a path is, before any file is opened: a regular file, or something that must not be opened.

Every file the tool reads (the input workbook, the rule file, the history workbook, the
payout workbook being recorded, the ledger) is opened only when it is a regular file or a
symbolic link to one: opening a named pipe blocks until someone writes to it, a device
never ends (``/dev/zero``) or is always empty (``/dev/null``), and a symbolic link loop makes
``Path.resolve`` raise ``RuntimeError``.  ``special_kind`` says what such a path is, without
opening it (``stat`` never blocks), for each opener to put in its own one-line message.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from tongnan_calc.core.say import Say

DIRECTORY: Final = Say("文件夹", "a directory")
LOOP: Final = Say("循环的符号链接", "a symbolic link loop")
_KINDS: Final = (
    (stat.S_ISDIR, DIRECTORY),
    (stat.S_ISFIFO, Say("命名管道（FIFO）", "a named pipe (FIFO)")),
    (stat.S_ISCHR, Say("字符设备", "a character device")),
    (stat.S_ISBLK, Say("块设备", "a block device")),
    (stat.S_ISSOCK, Say("套接字（socket）", "a socket")),
)
OTHER: Final = Say("特殊文件", "a special file")


def special_kind(path: Path | str) -> Say | None:
    """What ``path`` is when it is there but is not a regular file nor a symbolic link to one (a noun
    in both languages: "a named pipe (FIFO)"); ``None`` for a regular file, and for a path that is not
    there at all or cannot be looked at (each opener then says so in its own words, as before)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except (OSError, ValueError):
            return None  # nothing there
        return Say(f"指向不存在的文件的符号链接（{target}）", f"a symbolic link to a missing file ({target})")
    except OSError as exc:
        return LOOP if exc.errno == errno.ELOOP else None
    except ValueError:  # a NUL in the name: the opener refuses it
        return None
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), OTHER)


def is_dangling(kind: Say | None) -> bool:
    """Whether ``kind`` (from ``special_kind``) is a symbolic link to a missing file."""
    return kind is not None and kind.en.startswith("a symbolic link to a missing file")
