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
import select
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
    """A child process doing ``work``; ``result`` waits for it, ``close`` stops it if it still runs.

    The child says it succeeded by writing to a pipe before it ends (its exit status alone
    could be lost: a parent that ignores SIGCHLD has its children reaped by the system)."""

    def __init__(self, work: Work) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by close(), after the child wrote it
        self.ok: bool | None = None  # None while the child runs, then whether it succeeded
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice
            if stream is not None:
                stream.flush()
        try:
            read_end, write_end = os.pipe()
        except OSError:
            self._file.close()
            raise
        # Ctrl-C reaches the whole process group: held back until the child has its own handling
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            for fd in (read_end, write_end):
                os.close(fd)
            self._file.close()
            raise
        if pid == 0:
            os.close(read_end)
            _child(work, self._file, write_end, blocked, parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write_end)
        self._pid, self._done = pid, read_end

    def result(self) -> IO[bytes] | None:
        """Wait for the child: what it wrote, from the start, or ``None`` when it failed."""
        if self.ok is None:
            self.ok = _read_all(self._done) == _OK
            self._reap(kill=False)
        if not self.ok:
            return None
        self._file.seek(0)
        return self._file

    def finished(self, timeout: float) -> bool:
        """Whether the child has finished (or said it succeeded), waiting up to ``timeout`` seconds."""
        return self.ok is not None or bool(select.select([self._done], [], [], timeout)[0])

    def close(self) -> None:
        """Stop the child if it still runs (this process failed or was interrupted); drop its file."""
        if self.ok is None:
            self.ok = False
            self._reap(kill=True)
        self._file.close()

    def _reap(self, *, kill: bool) -> None:
        with contextlib.suppress(ChildProcessError, ProcessLookupError):  # already reaped by the system
            if kill:
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        os.close(self._done)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


_OK = b"ok"


def _read_all(fd: int) -> bytes:
    """What the child wrote to the pipe, up to its end (the child's exit closes it)."""
    data = b""
    while chunk := os.read(fd, 16):
        data += chunk
    return data


def _child(work: Work, out: IO[bytes], done: int, mask: set[int | signal.Signals], parent: int) -> NoReturn:
    """The child: do the work, and end without returning into the parent's code (``os._exit``:
    no ``finally`` of the parent's, no exit handler, no buffered output flushed twice)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once; the parent cleans up
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _end_with(parent)
        # Python-level output goes nowhere: a lock on the streams (a progress display's, say)
        # may have been held by another thread of the parent at the fork, and never be let go.
        sys.stdout = sys.stderr = None
        gc.disable()  # a collection would touch, and so copy, every page shared with the parent
        work(out)
        out.flush()
        os.write(done, _OK)
        code = 0
    except BaseException:  # noqa: BLE001 -- any failure: the parent does the part itself
        if os.environ.get("TONGNAN_DEBUG"):
            with contextlib.suppress(Exception):
                os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(code)


def _end_with(parent: int) -> None:
    """Have the system end this child when its parent ends (Linux): a parent killed outright
    (``kill -9``, out of memory) leaves no child computing for nobody."""
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before that was set
        os._exit(1)
