"""Part of a batch's work in a second process, on a machine with a second core.

POSIX ``fork``: the child starts with everything this process holds (the records,
the lines: nothing is sent to it) and writes its part, as bytes, to an anonymous
temporary file that this process reads when its own part is done.  It is for work
that is a pure function of what the process already holds, such as the text of
the second half of a batch's lines.

Nothing depends on the child succeeding: when no second process can be had (no
``fork``, one core, a fork refused) ``start`` returns ``None``, and when the child
fails (an error, a full disk, killed) ``Forked.result`` returns ``None``; either
way the caller does the part itself, and the output is the same, only later.
``TONGNAN_FORK=0`` never forks, ``TONGNAN_FORK=1`` forks even on one core (tests).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from typing import IO, NoReturn

FORK_ENV = "TONGNAN_FORK"

Work = Callable[[IO[bytes]], None]
"""Writes the child's part to the file it is given."""


def available() -> bool:
    """Whether a second process is worth starting here (Linux with two cores or more)."""
    forced = os.environ.get(FORK_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1" and hasattr(os, "fork")
    return sys.platform.startswith("linux") and hasattr(os, "fork") and _cores() > 1


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def start(work: Work) -> Forked | None:
    """``work`` started in a child process, or ``None`` when none can be started here."""
    if not available():
        return None
    try:
        return Forked(work)
    except OSError:  # no temporary file, or the system refused the fork: do the work here
        return None


class Forked:
    """A child process doing ``work``; ``result`` waits for it, ``close`` stops it if it still runs."""

    def __init__(self, work: Work) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by close(), after the child wrote it
        self._status: int | None = None
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            stream.flush()
        try:
            pid = os.fork()
        except OSError:
            self._file.close()
            raise
        if pid == 0:
            _child(work, self._file)
        self._pid = pid

    def result(self) -> IO[bytes] | None:
        """Wait for the child: what it wrote, from the start, or ``None`` when it failed."""
        if self._status is None:
            _, status = os.waitpid(self._pid, 0)
            self._status = os.waitstatus_to_exitcode(status)
        if self._status != 0:
            return None
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        """Stop the child if it still runs (this process failed or was interrupted); drop its file."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._status = -signal.SIGKILL
        self._file.close()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _child(work: Work, out: IO[bytes]) -> NoReturn:
    """The child: do the work, and end without returning into the parent's code (``os._exit``:
    no ``finally`` of the parent's, no exit handler, no buffered output flushed twice)."""
    code = 1
    try:
        gc.disable()  # a collection would touch, and so copy, every page shared with the parent
        work(out)
        out.flush()
        code = 0
    except BaseException:  # noqa: BLE001 -- any failure: the parent does the part itself
        if os.environ.get("TONGNAN_DEBUG"):
            traceback.print_exc()
    finally:
        os._exit(code)
