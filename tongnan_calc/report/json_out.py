"""The JSON output of a run (SPEC §7): for other programs.

``result_json`` is the document as Python values.  ``write_json`` (and
``dumps``, which collects it) writes the same document as
``json.dumps(result_json(...), **dump_options(compact))`` would, byte for byte:
indented (``indent=2``) for an ordinary batch, compact (no whitespace) when the
batch has more than ``COMPACT_ABOVE`` lines.  It is fast enough for hundreds of
thousands of lines: the standard library falls back to its pure-Python encoder
whenever ``indent`` is set, so the entitlements and input issues are laid out
here, one C-encoded string at a time, and streamed in chunks instead of being
built as one string.  Every line is listed; ineligible lines carry no ``basis``
(their reason says why), the others do.  An entitlement's text is made of parts
encoded once and the line's own values (``json_lines.LineText``): most lines
repeat a few reasons over and over.

``run`` writes the document while it computes (``JsonStream``: the same bytes), so
that it need not keep its ineligible lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any, TextIO, TypeVar

from tongnan_calc.core.model import InputIssue, Line, Status
from tongnan_calc.core.money import fmt
from tongnan_calc.core.result import NO_LEDGER_WARNING, LedgerUse, RunResult, require_all_lines
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Lang
from tongnan_calc.report.json_lines import LineText, Style
from tongnan_calc.report.layout import JSON_LINE
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render

T = TypeVar("T")


def _json_values(line: Line, lang: Lang) -> dict[str, Any]:
    """The JSON value of each field of ``layout.JSON_LINE`` (the fields are declared in ``layout``)."""
    return {
        "credit_code": line.credit_code,
        "name": line.name,
        "measure": line.measure,
        "clause": line.clause,
        "status": line.status.value,
        "amount": None if line.amount is None else fmt(line.amount),
        "tier": None if line.tier is None else fmt(line.tier),
        "reason": render(line.reason, lang),
        "basis": basis_lines(line.basis, lang),
    }


def line_json(line: Line, lang: Lang) -> dict[str, Any]:
    """An entitlement: the fields of ``layout.JSON_LINE`` in order; ineligible lines without their basis."""
    values = _json_values(line, lang)
    return {key: values[key] for key in _members(line)}


def _members(line: Line) -> tuple[str, ...]:
    return JSON_LINE if line.status is not Status.INELIGIBLE else _WITHOUT_BASIS


_WITHOUT_BASIS = tuple(key for key in JSON_LINE if key != "basis")


def issue_json(issue: InputIssue, lang: Lang = "zh") -> dict[str, Any]:
    """An input issue; ``message`` is text for people, in ``lang`` like the reasons (the other fields are keys)."""
    return {
        "sheet": issue.sheet,
        "row": issue.row,
        "column": issue.column,
        "header": issue.header,
        "value": issue.value,
        "severity": issue.severity,
        "message": issue.text(lang),
        "credit_code": issue.credit_code,
    }


def result_json(result: RunResult, lang: Lang = "zh", *, include_ineligible: bool = True) -> dict[str, Any]:
    require_all_lines(result)
    document = _head(result, lang)
    document["entitlements"] = [
        line_json(line, lang) for line in result.lines if include_ineligible or line.status is not Status.INELIGIBLE
    ]
    document["input_issues"] = [issue_json(issue, lang) for issue in result.batch.issues]
    document["totals"] = _totals(result)
    return document


def _head(result: RunResult, lang: Lang) -> dict[str, Any]:
    return head(result.year, result.rules, result.input_path, result.input_sha256, result.ledger, lang)


def head(
    year: int, rules: Rules, input_path: str, input_sha256: str, ledger: LedgerUse | None, lang: Lang = "zh"
) -> dict[str, Any]:
    """The members before the entitlements: known before the lines are computed.

    ``warnings``: what a program must not miss about the whole run, each ``{"code", "message"}``;
    ``no_ledger`` when the run read no ledger (``ledger`` is null): one-time rewards, periods and
    lifetime caps were not checked."""
    warnings = [] if ledger is not None else [{"code": "no_ledger", "message": NO_LEDGER_WARNING.in_lang(lang)}]
    return {
        "year": year,
        "rules": {"version": rules.version, "sha256": rules.sha256, "path": rules.path},
        "input": {"path": input_path, "sha256": input_sha256},
        "ledger": None if ledger is None else {"path": ledger.path, "prior_payouts_read": ledger.prior_read},
        "warnings": warnings,
    }


def _totals(result: RunResult) -> dict[str, Any]:
    totals = result.totals
    return {
        "payable": fmt(totals.payable),
        "by_measure": {measure: fmt(amount) for measure, amount in totals.by_measure.items()},
        "lines": {status.value: count for status, count in totals.counts.items()},
    }


def dumps(result: RunResult, lang: Lang = "zh", *, compact: bool | None = None) -> str:
    return "".join(chunks(result, lang, compact=compact))


# --- the fast layout ----------------------------------------------------------------------

_CHUNK_ITEMS = 2000
COMPACT_ABOVE = 20_000
"""Above this many lines the document is written compact (no indentation): a province's JSON
is a file for programs, a third of the size and written faster."""


def is_compact(result: RunResult) -> bool:
    return compact_for(len(result.lines))  # a whole result (``require_all_lines``)


def compact_for(lines: int) -> bool:
    """Whether a document of this many lines is written compact."""
    return lines > COMPACT_ABOVE


def dump_options(compact: bool) -> dict[str, Any]:
    """The ``json.dumps`` options whose output ``chunks`` reproduces byte for byte."""
    if compact:
        return {"ensure_ascii": False, "separators": (",", ":")}
    return {"ensure_ascii": False, "indent": 2}


def _top_members(style: Style, document: dict[str, Any]) -> str:
    """The members of a small dict, as they appear at the top level of the document (no braces)."""
    text = json.dumps(document, **dump_options(style.compact))
    return text[1:-1] if style.compact else text[1:-2]  # without "{" and "\n}" (or "}")


def _value(value: object) -> str:
    """A scalar exactly as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


class JsonStream:
    """The JSON document of a run written while its lines are computed: the members known before
    (``head``), the entitlements as they come (``add``, in line order), then the input issues and
    the totals (``finish``).  The same bytes as ``chunks`` of the whole result; a run that streams
    its JSON need not keep its ineligible lines."""

    def __init__(self, handle: TextIO, members: dict[str, Any], lang: Lang, *, compact: bool) -> None:
        self.handle, self.lang = handle, lang
        self.style = Style(compact)
        self.text = LineText(lang, self.style).line
        self.start = _array_start(self.style, "entitlements")
        self.count = 0
        handle.write("{" + _top_members(self.style, members))

    def add(self, lines: Sequence[Line]) -> None:
        """The next lines (none of them written before), in line order."""
        if lines:
            self._between()
            for piece in _items(self.style, lines, self.text):
                self.handle.write(piece)
            self.count += len(lines)

    def _between(self) -> None:
        """What comes before more entitlements: the array's opening, or the separator."""
        self.handle.write(self.start + "[" + self.style.nl(2) if self.count == 0 else "," + self.style.nl(2))

    def finish(self, result: RunResult) -> None:
        """The end of the document, once every line has been added."""
        lines = sum(result.totals.counts.values())
        if self.count != lines:  # every line goes through ``add``: anything else is a fault of the tool
            raise RuntimeError(f"the JSON has {self.count} of the run's {lines} lines")
        style, write = self.style, self.handle.write
        write(style.nl(1) + "]" if self.count else self.start + "[]")
        for chunk in _array(style, "input_issues", _items(style, result.batch.issues, _issue_text(style, self.lang))):
            write(chunk)
        write("," + _top_members(style, {"totals": _totals(result)}) + style.nl(0) + "}\n")


def _issue_text(style: Style, lang: Lang) -> Callable[[InputIssue], str]:
    def text(issue: InputIssue) -> str:
        return style.obj(
            (
                ("sheet", encode_basestring(issue.sheet)),
                ("row", "null" if issue.row is None else str(int(issue.row))),
                ("column", _value(issue.column)),
                ("header", _value(issue.header)),
                ("value", _value(issue.value)),
                ("severity", encode_basestring(issue.severity)),
                ("message", encode_basestring(issue.text(lang))),
                ("credit_code", _value(issue.credit_code)),
            ),
            2,
        )

    return text


def _items(style: Style, items: Sequence[T], text: Callable[[T], str]) -> Iterator[str]:
    """The items' texts joined by the separator of a top-level array, a few thousand at a time."""
    sep = "," + style.nl(2)
    for start in range(0, len(items), _CHUNK_ITEMS):
        part = sep.join(map(text, items[start : start + _CHUNK_ITEMS]))
        yield part if start == 0 else sep + part


def _array_start(style: Style, key: str) -> str:
    return "," + style.nl(1) + encode_basestring(key) + style.colon


def _array(style: Style, key: str, pieces: Iterable[str]) -> Iterator[str]:
    """``,"key": [...]`` at the top level, from the pieces of ``_items``."""
    start_text = _array_start(style, key)
    empty = True
    for piece in pieces:
        if empty:
            yield start_text + "[" + style.nl(2)
            empty = False
        yield piece
    yield start_text + "[]" if empty else style.nl(1) + "]"


def _style(result: RunResult, compact: bool | None) -> Style:
    return Style(is_compact(result) if compact is None else compact)


def _document(result: RunResult, lang: Lang, style: Style, entitlements: Iterable[str]) -> Iterator[str]:
    yield "{" + _top_members(style, _head(result, lang))
    yield from _array(style, "entitlements", entitlements)
    yield from _array(style, "input_issues", _items(style, result.batch.issues, _issue_text(style, lang)))
    yield "," + _top_members(style, {"totals": _totals(result)}) + style.nl(0) + "}\n"


def chunks(result: RunResult, lang: Lang = "zh", *, compact: bool | None = None) -> Iterator[str]:
    """The JSON document in pieces; joined, they equal ``json.dumps(result_json(...), **dump_options(compact))``
    and a newline.  ``compact``: by default, when the batch has more than ``COMPACT_ABOVE`` lines."""
    require_all_lines(result)
    style = _style(result, compact)
    return _document(result, lang, style, _items(style, result.lines, LineText(lang, style).line))


def write_json(result: RunResult, handle: TextIO, lang: Lang = "zh", *, compact: bool | None = None) -> None:
    """Stream the JSON document of a complete result to an open text file (``run`` writes its JSON
    while it computes, with ``JsonStream``)."""
    for chunk in chunks(result, lang, compact=compact):
        handle.write(chunk)
