"""Joining the converted sheets to the enterprises: records per enterprise, and blocking.

``_Join`` is the state while the sheets are taken one at a time: the enterprises, their
records by sheet, the rows of unknown or dropped enterprises, and the errors that block
an enterprise's payout (``_blocking``); ``_records`` makes one ``Records`` per enterprise.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from functools import partial
from itertools import compress, count, repeat
from operator import is_, not_
from typing import Any, cast

from tongnan_calc.core.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    Enterprise,
    InputIssue,
    Records,
)
from tongnan_calc.input.records import (
    MSG_UNKNOWN_ENTERPRISE,
    MSG_UNKNOWN_ENTERPRISE_ZH,
    CodeCache,
    Parsed,
)
from tongnan_calc.input.sheets_spec import (
    CREDIT_CODE,
    OTHER_SHEETS,
    SHEET_ORDER,
    SHEETS,
)

# --- joining the sheets ---------------------------------------------------------------------


def _arguments(parsed: Parsed) -> list[Iterable[object]]:
    """The record's positional arguments, one iterable per field: the converted
    columns, the credit codes and row numbers, defaults for absent optional columns."""
    given: dict[str, Iterable[object]] = {**parsed.columns, "credit_code": parsed.codes, "row": parsed.numbers}
    record = parsed.spec.record
    out: list[Iterable[object]] = []
    for spec in fields(record):
        if spec.name in given:
            out.append(given[spec.name])
        elif spec.default is not MISSING:
            out.append(repeat(spec.default))
        else:  # a required field without a required column: a bug in SHEETS
            raise AssertionError(f"{record.__name__}.{spec.name} has no column")
    return out


def _made(parsed: Parsed, keep: list[bool] | None = None) -> tuple[list[str], Iterable[Any]]:
    """The credit codes and the records of the rows without errors (the records made as they are taken);
    ``keep``: only the rows it marks ``True`` (the list is changed)."""
    codes, issues = parsed.codes, parsed.issues
    skip = [index for index in issues if codes[index] is None or not parsed.ok(index)]
    if keep is None and None in codes:
        skip.extend(compress(count(), map(is_, codes, repeat(None))))
    arguments: list[Iterable[object]] = _arguments(parsed)
    if skip or (keep is not None and False in keep):
        if keep is None:
            keep = [True] * len(codes)
        for index in skip:
            keep[index] = False
        arguments = [compress(values, keep) for values in arguments]
        codes = list(compress(codes, keep))
    # Positional construction, straight from the columns (no tuple per row).
    return cast("list[str]", codes), map(parsed.spec.record, *arguments)


@dataclass(slots=True)
class _Join:
    """Mutable state while the sheets are joined to the enterprises."""

    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # code -> first Excel row
    records: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # sheet key -> code -> records
    blocking: dict[tuple[str, str], list[InputIssue]] = field(default_factory=dict)
    unused: dict[str, dict[str, int]] = field(default_factory=dict)  # code -> counts
    unusable: dict[str, list[InputIssue]] = field(default_factory=dict)  # sheet key
    issues: list[InputIssue] = field(default_factory=list)
    codes: CodeCache = field(default_factory=dict)  # credit code text -> checked, across the sheets
    blocked: set[str] = field(default_factory=set)  # the codes in ``blocking``


def _take_enterprises(join: _Join, parsed: Parsed) -> None:
    codes, enterprises = _made(parsed)
    join.enterprises.update(zip(codes, enterprises, strict=True))
    for index in _unjoined_rows(join, parsed.codes):
        join.dropped.setdefault(cast(str, parsed.codes[index]), parsed.numbers[index])
    for issues in parsed.issues.values():
        join.issues.extend(issues)


def _take_records(join: _Join, parsed: Parsed) -> None:
    """The records of the rows without errors, by enterprise (in row order), those of unknown enterprises
    aside; the issues of the sheet, the errors blocking their enterprise's measures that need the sheet."""
    key = parsed.spec.key
    enterprises = join.enterprises
    mine = join.records.setdefault(key, {})
    joined = list(map(enterprises.__contains__, parsed.codes))  # False for a row without a code too
    unjoined = list(compress(count(), map(not_, joined))) if False in joined else []
    codes, records = _made(parsed, joined)
    for code, record in zip(codes, records, strict=True):
        found = mine.get(code)
        if found is None:
            mine[code] = [record]
        else:
            found.append(record)
    _not_joined(join, parsed, unjoined)
    for index, issues in parsed.issues.items():
        maybe = parsed.codes[index]
        if maybe is not None and maybe in join.enterprises:
            errors = [i for i in issues if i.severity == "error"]
            join.blocking.setdefault((maybe, key), []).extend(errors)
        join.issues.extend(issues)


def _unjoined_rows(join: _Join, codes: list[str | None]) -> Iterable[int]:
    """The rows whose readable code is not an enterprise's (kept), found by a C loop."""
    unknown = set(codes).difference(join.enterprises)
    unknown.discard(None)
    return compress(count(), map(unknown.__contains__, codes)) if unknown else ()


def _not_joined(join: _Join, parsed: Parsed, rows: Iterable[int]) -> None:
    """Count the rows of dropped enterprises; flag the rows of unknown ones (``rows``: the rows whose code
    is no enterprise's, or unreadable)."""
    key = parsed.spec.key
    for index in rows:
        maybe = parsed.codes[index]
        if maybe is None:
            continue
        if maybe in join.dropped:
            counts = join.unused.setdefault(maybe, {})
            counts[key] = counts.get(key, 0) + 1
        else:
            parsed.add(index, CREDIT_CODE, MSG_UNKNOWN_ENTERPRISE, zh=MSG_UNKNOWN_ENTERPRISE_ZH, first=True)


def _dropped_notices(join: _Join) -> Iterator[InputIssue]:
    for code, row in join.dropped.items():
        counts = join.unused.get(code)
        if not counts:
            continue
        total = sum(counts.values())
        detail = ", ".join(f"{k}: {counts[k]}" for k in OTHER_SHEETS if k in counts)
        detail_zh = "，".join(f"{SHEETS[SHEET_ORDER[k]].header}{counts[k]}行" for k in OTHER_SHEETS if k in counts)
        noun = "row" if total == 1 else "rows"
        yield InputIssue(
            sheet=ENTERPRISES,
            row=row,
            column=CREDIT_CODE.key,
            header=CREDIT_CODE.header,
            value=code,
            severity="notice",
            message=f"enterprise dropped: {total} {noun} for it in other sheets not used ({detail})",
            credit_code=code,
            message_zh=f"该企业未读入：其他工作表中属于它的{total}行未使用（{detail_zh}）",
        )


def _blocking(join: _Join, code: str) -> tuple[tuple[str, tuple[InputIssue, ...]], ...]:
    if not join.unusable and code not in join.blocked:
        return ()
    out = []
    for key in OTHER_SHEETS:
        issues = join.unusable.get(key) or join.blocking.get((code, key))
        if issues:
            out.append((key, tuple(issues)))
    return tuple(out)


def _records(join: _Join) -> tuple[Records, ...]:
    empty: dict[str, list[Any]] = {}
    join.blocked = {code for code, _ in join.blocking}
    codes = list(join.enterprises)
    kinds = [
        map(tuple, map(join.records.get(key, empty).get, codes, repeat(())))
        for key in (LEASES, DATA_LINES, SALES, LOANS)
    ]
    blocking: Iterable[tuple[tuple[str, tuple[InputIssue, ...]], ...]] = (
        map(partial(_blocking, join), codes) if join.unusable or join.blocked else repeat(())
    )
    return tuple(map(Records, join.enterprises.values(), *kinds, blocking))
