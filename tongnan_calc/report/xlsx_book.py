"""The xlsxwriter side of the payout workbook: a stream of plain operations, and a process that applies them.

``report/xlsx.py`` turns lines into rows of plain values (text, floats, ints,
``Formula``, ``Bold``) and sends them as operations; ``Book`` applies them with
xlsxwriter in constant-memory mode.  Applying them is most of the cost of
writing a large workbook (xlsxwriter is pure Python), so for a large batch the
operations go through a pipe to a second process (``BookProcess``), which writes
while this one computes the next enterprises: the machine's second core does
the writing.  Both ways write the same file (tested).

Operations (tuples, picklable):
    ("sheet", title)                       a new worksheet; sheets are numbered from 0
    ("header", sheet, widths, heads)       column widths, a frozen bold header row
    ("widths", sheet, widths)              column widths only
    ("lines", sheet, rows)                 payout lines: (code, name, measure, clause, tier, amount,
                                           responsible, reason, basis, check), floats for money
    ("rows", sheet, rows)                  general rows of str / Decimal / int / Formula / Bold / None
Every text cell is written with ``write_string``: input text never becomes a formula.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Sequence
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped, unused-ignore]
import xlsxwriter.exceptions  # type: ignore[import-untyped, unused-ignore]

MONEY_FORMAT = "#,##0.00"
Op = tuple[Any, ...]


class Formula:
    """A formula cell, written without a cached value (the spreadsheet computes it)."""

    __slots__ = ("money", "text")

    def __init__(self, text: str, money: bool = True) -> None:
        self.text, self.money = text, money

    def __reduce__(self) -> tuple[type[Formula], tuple[str, bool]]:
        return Formula, (self.text, self.money)


class Bold:
    """A header-style text cell."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __reduce__(self) -> tuple[type[Bold], tuple[str]]:
        return Bold, (self.text,)


class Book:
    """An xlsxwriter workbook in constant-memory mode, written by operations."""

    def __init__(self, path: Path, tmpdir: str | None = None) -> None:
        options: dict[str, Any] = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        if tmpdir is not None:
            options["tmpdir"] = tmpdir
        self.xl = xlsxwriter.Workbook(str(path), options)
        self.money = self.xl.add_format({"num_format": MONEY_FORMAT})
        self.bold = self.xl.add_format({"bold": True, "bg_color": "#DDEBF7", "pattern": 1})
        self.sheets: list[Any] = []
        self.rows: list[int] = []

    def apply(self, op: Op) -> None:
        kind = op[0]
        if kind == "lines":
            self._lines(op[1], op[2])
        elif kind == "rows":
            for row in op[2]:
                self._row(op[1], row)
        elif kind == "sheet":
            self.sheets.append(self.xl.add_worksheet(op[1]))
            self.rows.append(0)
        elif kind == "header":
            self._widths(op[1], op[2])
            self.sheets[op[1]].freeze_panes(1, 0)
            self._row(op[1], [Bold(head) for head in op[3]])
        elif kind == "widths":
            self._widths(op[1], op[2])
        else:
            raise ValueError(f"unknown workbook operation {kind!r}")

    def close(self) -> None:
        """Assemble the file; a disk error is raised as the ``OSError`` xlsxwriter wraps."""
        try:
            self.xl.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise

    def _widths(self, sheet: int, widths: Sequence[float]) -> None:
        ws = self.sheets[sheet]
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)

    def _lines(self, sheet: int, rows: Sequence[tuple[Any, ...]]) -> None:
        ws, money, r = self.sheets[sheet], self.money, self.rows[sheet]
        write_string, write_number = ws.write_string, ws.write_number
        for code, name, measure, clause, tier, amount, responsible, reason, basis, check in rows:
            write_string(r, 0, code)
            if name:
                write_string(r, 1, name)
            write_string(r, 2, measure)
            write_string(r, 3, clause)
            if tier is not None:
                write_number(r, 4, tier, money)
            if amount is not None:
                write_number(r, 5, amount, money)
            if responsible:
                write_string(r, 6, responsible)
            if reason:
                write_string(r, 7, reason)
            if basis:
                write_string(r, 8, basis)
            if check:
                write_string(r, 9, check)
            r += 1
        self.rows[sheet] = r

    def _row(self, sheet: int, values: Sequence[object]) -> None:
        """``str`` as text, ``Decimal`` as money, ``int`` as a number, ``Formula``, ``Bold``; ``None`` blank."""
        ws, r = self.sheets[sheet], self.rows[sheet]
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, col, value)
            elif isinstance(value, Decimal):
                ws.write_number(r, col, float(value), self.money)
            elif isinstance(value, Formula):
                # no cached value: the spreadsheet computes it (an empty <v> also forces a recalculation)
                ws.write_formula(r, col, value.text, self.money if value.money else None, "")
            elif isinstance(value, Bold):
                ws.write_string(r, col, value.text, self.bold)
            else:
                ws.write_number(r, col, value)
        self.rows[sheet] = r + 1


class BookProcess:
    """The same operations applied by a second process, fed through a pipe.

    ``apply`` queues operations (sent in batches by a thread of this process, so
    that computing does not wait for the writer to take each batch: through the
    pipe alone the two processes took turns, and a run at 100,000 enterprises
    spent 9 s of its computation blocked on the pipe; at most ``AHEAD`` batches
    wait, so memory stays bounded when the writer lags); ``close`` sends the rest,
    waits for the workbook to be written and raises the writer's ``OSError`` (a
    full disk, say) here, with the same text it would have had in this process.
    A writer that fails early is reported by the next ``apply``."""

    BATCH = 64
    AHEAD = 32

    def __init__(self, path: Path) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # the same on every platform; no threads inherited
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, str(path)), daemon=True)
        self._process.start()
        child.close()
        self._queue: list[Op] = []
        self._outbox: queue.Queue[list[Op] | None] = queue.Queue(maxsize=self.AHEAD)
        self._failed: BaseException | None = None  # what stopped the sending thread
        self._sender = threading.Thread(target=self._send, name="tongnan-xlsx-send", daemon=True)
        self._sender.start()

    def apply(self, op: Op) -> None:
        self._queue.append(op)
        if len(self._queue) >= self.BATCH or op[0] == "lines":
            self._flush()

    def _flush(self) -> None:
        if self._queue:
            self._put(self._queue)
            self._queue = []

    def _put(self, ops: list[Op] | None) -> None:
        while True:
            if self._failed is not None:
                raise self._error()
            try:
                self._outbox.put(ops, timeout=0.2)
                return
            except queue.Full:
                continue

    def _send(self) -> None:
        """The sending thread: batches in order, then ``None``; whatever stops it is kept for ``_error``."""
        while True:
            ops = self._outbox.get()
            try:
                self._conn.send(ops)
            except BaseException as exc:  # noqa: BLE001 -- reported in this process's thread by _put/close
                self._failed = exc
                return
            if ops is None:
                return

    def _error(self) -> BaseException:
        """Why the writer cannot go on: its own answer (a full disk, say) when it gave one."""
        if not isinstance(self._failed, (OSError, ValueError, EOFError)):
            assert self._failed is not None
            return self._failed  # a fault of this process's (an operation that cannot be sent)
        return self._answered(self._answer(timeout=5)) or self._stopped()  # "ok" cannot come before the end

    def _answered(self, answer: tuple[Any, ...] | None) -> BaseException | None:
        """The error the writer's answer stands for (``None``: it gave none); nothing for "ok"."""
        if answer is None:
            return self._stopped()
        if answer[0] == "oserror":
            return OSError(answer[1], answer[2], answer[3])
        return None if answer[0] == "ok" else RuntimeError(answer[1])

    def _stopped(self) -> RuntimeError:
        return RuntimeError(f"the workbook writer stopped (exit code {self._process.exitcode})")

    def _answer(self, timeout: float | None) -> tuple[Any, ...] | None:
        """The writer's answer; None when it ends without one, or gives none within ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while not self._conn.poll(0.2):
                if not self._process.is_alive() or (deadline is not None and time.monotonic() > deadline):
                    return None
            answer: tuple[Any, ...] = self._conn.recv()
        except (EOFError, OSError):
            return None
        return answer

    def close(self) -> None:
        try:
            self._flush()
            self._put(None)
            self._sender.join()
            if self._failed is not None:
                raise self._error()
            answer = self._answer(timeout=None)
        except BaseException:
            self.abort()  # the writer may still be waiting for operations: it is stopped
            raise
        self._process.join()
        self._conn.close()
        error = self._answered(answer)
        if error is not None:
            raise error

    def abort(self) -> None:
        """Stop the writer without a workbook (this process failed or was interrupted)."""
        with contextlib.suppress(queue.Full):
            self._outbox.put_nowait(None)
        with contextlib.suppress(OSError):
            self._conn.close()  # the writer reads the end of the pipe and stops; a send under way fails
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._sender.join(timeout=5)


def _serve(conn: Connection, path: str) -> None:
    """The writer process: apply operations until ``None``, then close the workbook and answer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends us by the pipe
    tmpdir = tempfile.mkdtemp(prefix="tongnan-calc-xlsx-")
    answer: tuple[Any, ...]
    try:
        book = Book(Path(path), tmpdir)
        while (ops := conn.recv()) is not None:
            for op in ops:
                book.apply(op)
        book.close()
        answer = ("ok",)
    except EOFError:  # the parent is gone or gave up: no workbook
        return
    except OSError as exc:
        answer = ("oserror", exc.errno, exc.strerror, exc.filename)
    except Exception as exc:  # noqa: BLE001 - whatever it is, the parent must hear of it
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    with contextlib.suppress(OSError):
        conn.send(answer)
    conn.close()
    os._exit(0)  # nothing else to clean up; skip the interpreter's slow teardown of a big heap
