"""The computation of a large batch in two processes, when its lines go to one writer only (the JSON).

A forked child (``forked``) computes the last part of the enterprises and writes the
text of its lines through the writer's ``child_sink`` into a temporary file; it sends
back only the lines a run keeps (not ineligible, and its first ``keep_ineligible``
ineligible ones) and its totals, which cost little to send.  This process computes the
first part meanwhile, then appends the child's text (``take``).  When the child fails
in any way this process computes the last part itself: the same lines, the same bytes.
"""

from __future__ import annotations

import mmap
import pickle
import struct
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Protocol

from tongnan_calc.core import engine
from tongnan_calc.core.model import Line, PriorPayout, Records
from tongnan_calc.core.rules import Rules
from tongnan_calc.shell import forked

SPLIT_FROM = 20_000
"""Enterprises from which a second process is worth its start."""

SHARE = 0.55
"""Of the enterprises, the part computed here: the child also sends its lines back."""


class Writer(Protocol):
    """A writer that can take the text of the last lines from another process (``json_out.JsonStream``)."""

    def add(self, lines: Sequence[Line]) -> None: ...

    def child_sink(self, out: IO[bytes]) -> Callable[[Sequence[Line]], None]: ...

    def take(self, made: IO[bytes], lines: int) -> None: ...


def compute(
    records: Sequence[Records],
    year: int,
    rules: Rules,
    prior: Mapping[str, tuple[PriorPayout, ...]],
    later: Mapping[str, tuple[PriorPayout, ...]],
    progress: Callable[[int], None] | None,
    writer: Writer,
    keep_ineligible: int,
    tally: engine.Tally,
) -> list[Line]:
    """``engine.compute`` of every record with ``writer.add`` as its sink, the totals added to ``tally``,
    and only the first ``keep_ineligible`` ineligible lines kept: in two processes when one can be had."""

    def sink(lines: Sequence[Line]) -> None:
        tally.add(lines)
        writer.add(lines)

    def here(part: Sequence[Records], before: int) -> list[Line]:
        told = None if progress is None else (lambda done: progress(before + done))
        return engine.compute(part, year, rules, prior, told, sink, later, keep_ineligible)

    cut = int(len(records) * SHARE)
    if len(records) < SPLIT_FROM or not forked.available():
        return here(records, 0)
    try:
        shared = mmap.mmap(-1, 8)  # the child's progress, read here for the progress bar
        rendered = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by the with below
    except OSError:  # no temporary file (a full or missing temporary folder): all here
        return here(records, 0)
    with rendered:

        def work(out: IO[bytes]) -> None:
            child_tally = engine.Tally()
            render = writer.child_sink(rendered)

            def through(lines: Sequence[Line]) -> None:
                child_tally.add(lines)
                render(lines)

            def told(done: int) -> None:
                struct.pack_into("q", shared, 0, done)

            kept = engine.compute(records[cut:], year, rules, prior, told, through, later, keep_ineligible)
            rendered.flush()
            pickle.dump((kept, child_tally.by_measure, child_tally.counts), out, pickle.HIGHEST_PROTOCOL)

        child = forked.start(work)
        if child is None:
            return here(records, 0)
        with child:

            def both(done: int) -> None:
                if progress is not None:
                    progress(done + struct.unpack_from("q", shared)[0])

            lines = engine.compute(records[:cut], year, rules, prior, both, sink, later, keep_ineligible)
            while progress is not None and not child.finished(0.25):
                both(cut)
            made = child.result()
            if made is None:  # the child failed: the last part is computed here
                rest = here(records[cut:], cut)
            else:
                rest, by_measure, counts = pickle.load(made)
                tally.merge(by_measure, counts)
                rendered.seek(0)
                writer.take(rendered, sum(counts.values()))
                if progress is not None:
                    progress(len(records))
    lines.extend(rest)
    engine.keep_first_ineligible(lines, keep_ineligible)
    return lines
