"""The JSON output of a run (SPEC §7): for other programs.

``result_json`` is the document as Python values.  ``write_json`` (and
``dumps``, which collects it) writes the same document as
``json.dumps(result_json(...), ensure_ascii=False, indent=2)`` would, byte for
byte, but fast enough for hundreds of thousands of lines: the standard library
falls back to its pure-Python encoder whenever ``indent`` is set, so the
entitlements and input issues are laid out here, one C-encoded string at a time,
and streamed in chunks instead of being built as one string.  Ineligible lines
repeat a few reasons and bases over and over: the text of everything after the
enterprise's code and name is kept for the objects it was made from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any, TextIO

from tongnan_calc.messages import Lang, render
from tongnan_calc.model import Basis, InputIssue, Line, Msg, Status
from tongnan_calc.money import fmt
from tongnan_calc.runner import RunResult


def line_json(line: Line, lang: Lang) -> dict[str, Any]:
    return {
        "credit_code": line.credit_code,
        "name": line.name,
        "measure": line.measure,
        "clause": line.clause,
        "status": line.status.value,
        "amount": None if line.amount is None else fmt(line.amount),
        "tier": None if line.tier is None else fmt(line.tier),
        "reason": render(line.reason, lang),
        "basis": line.basis.lines(),
    }


def issue_json(issue: InputIssue) -> dict[str, Any]:
    return {
        "sheet": issue.sheet,
        "row": issue.row,
        "column": issue.column,
        "header": issue.header,
        "value": issue.value,
        "severity": issue.severity,
        "message": issue.message,
        "credit_code": issue.credit_code,
    }


def result_json(result: RunResult, lang: Lang = "zh", *, include_ineligible: bool = True) -> dict[str, Any]:
    document = _head(result)
    document["entitlements"] = [
        line_json(line, lang) for line in result.lines if include_ineligible or line.status is not Status.INELIGIBLE
    ]
    document["input_issues"] = [issue_json(issue) for issue in result.batch.issues]
    document["totals"] = _totals(result)
    return document


def _head(result: RunResult) -> dict[str, Any]:
    return {
        "year": result.year,
        "rules": {"version": result.rules.version, "sha256": result.rules.sha256, "path": result.rules.path},
        "input": {"path": result.input_path, "sha256": result.input_sha256},
        "ledger": None
        if result.ledger is None
        else {"path": result.ledger.path, "prior_payouts_read": result.ledger.prior_read},
    }


def _totals(result: RunResult) -> dict[str, Any]:
    totals = result.totals
    return {
        "payable": fmt(totals.payable),
        "by_measure": {measure: fmt(amount) for measure, amount in totals.by_measure.items()},
        "lines": {status.value: count for status, count in totals.counts.items()},
    }


def dumps(result: RunResult, lang: Lang = "zh") -> str:
    return "".join(chunks(result, lang))


def write_json(result: RunResult, handle: TextIO, lang: Lang = "zh") -> None:
    """Stream the JSON document to an open text file."""
    for chunk in chunks(result, lang):
        handle.write(chunk)


# --- the fast layout ----------------------------------------------------------------------

_CHUNK_ITEMS = 2000
_SEP = ",\n"


def _value(value: object) -> str:
    """A scalar exactly as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def _strings(values: Iterable[str], indent: str) -> str:
    items = [encode_basestring(v) for v in values]
    if not items:
        return "[]"
    inner = indent + "  "
    return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"


class _LineText:
    """The text of one entitlement object; the part after ``name`` is shared by equal lines."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.tails: dict[tuple[str, str, Status, int, int], str] = {}
        self.reasons: dict[int, tuple[Msg, str]] = {}

    def reason(self, msg: Msg) -> str:
        found = self.reasons.get(id(msg))
        if found is None or found[0] is not msg:
            found = self.reasons[id(msg)] = (msg, encode_basestring(render(msg, self.lang)))
        return found[1]

    def tail(self, line: Line) -> str:
        basis: Basis = line.basis
        text = (
            f'      "measure": {encode_basestring(line.measure)},\n'
            f'      "clause": {encode_basestring(line.clause)},\n'
            f'      "status": {encode_basestring(line.status.value)},\n'
            f'      "amount": {"null" if line.amount is None else encode_basestring(fmt(line.amount))},\n'
            f'      "tier": {"null" if line.tier is None else encode_basestring(fmt(line.tier))},\n'
            f'      "reason": {self.reason(line.reason)},\n'
            f'      "basis": {_strings(basis.lines(), "      ")}\n'
            "    }"
        )
        return text

    def __call__(self, line: Line) -> str:
        head = (
            f'    {{\n      "credit_code": {encode_basestring(line.credit_code)},\n'
            f'      "name": {encode_basestring(line.name)},\n'
        )
        if line.amount is not None or line.tier is not None:
            return head + self.tail(line)
        # Lines without an amount share their reason and basis objects when they are alike
        # (the measures keep one of each): the ids are stable while ``result`` holds them.
        key = (line.measure, line.clause, line.status, id(line.reason), id(line.basis))
        tail = self.tails.get(key)
        if tail is None:
            if len(self.tails) > 50_000:
                self.tails.clear()
            tail = self.tails[key] = self.tail(line)
        return head + tail


def _issue_text(issue: InputIssue) -> str:
    return (
        f'    {{\n      "sheet": {encode_basestring(issue.sheet)},\n'
        f'      "row": {"null" if issue.row is None else int(issue.row)},\n'
        f'      "column": {_value(issue.column)},\n'
        f'      "header": {_value(issue.header)},\n'
        f'      "value": {_value(issue.value)},\n'
        f'      "severity": {encode_basestring(issue.severity)},\n'
        f'      "message": {encode_basestring(issue.message)},\n'
        f'      "credit_code": {_value(issue.credit_code)}\n'
        "    }"
    )


def _array(key: str, items: list[Any], text: Callable[[Any], str], last: bool) -> Iterator[str]:
    """``  "key": [...]`` at the top level, in chunks of a few thousand items."""
    end = "\n" if last else ",\n"
    if not items:
        yield f"  {encode_basestring(key)}: []{end}"
        return
    yield f"  {encode_basestring(key)}: [\n"
    for start in range(0, len(items), _CHUNK_ITEMS):
        part = _SEP.join(map(text, items[start : start + _CHUNK_ITEMS]))
        yield part if start + _CHUNK_ITEMS >= len(items) else part + _SEP
    yield f"\n  ]{end}"


def _members(document: dict[str, Any]) -> str:
    """Top-level members of a small dict, as ``indent=2`` lays them out inside the document."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return text[2:-2]  # without the outer "{\n" and "\n}"


def chunks(result: RunResult, lang: Lang = "zh") -> Iterator[str]:
    """The JSON document in pieces; joined, they equal the ``indent=2`` dump of ``result_json``."""
    yield "{\n" + _members(_head(result)) + ",\n"
    yield from _array("entitlements", list(result.lines), _LineText(lang), last=False)
    yield from _array("input_issues", list(result.batch.issues), _issue_text, last=False)
    yield _members({"totals": _totals(result)}) + "\n}\n"
