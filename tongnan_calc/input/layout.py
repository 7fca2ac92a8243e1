"""A sheet's header row and layout, and its merged cells.

``_layout`` finds the header row and where each known column is, and which required
columns are missing, duplicated, unknown, or only look like a known one (``looks_like``);
``_enterprise_layout`` refuses an unusable enterprises sheet, ``_sheet_issues`` turns the
other sheets' header problems into issues.  ``fills_down``/``_fill_merged``: which cells
merged over several rows are read on each row, and which are errors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from tongnan_calc.core.model import (
    InputIssue,
)
from tongnan_calc.core.say import Say
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Cell
from tongnan_calc.input.raw import (
    Merges,
    RawSheet,
    Rows,
    _fail,
)
from tongnan_calc.input.sheets_spec import (
    _COLUMNS,
    CREDIT_CODE,
    Column,
    SheetSpec,
    _label,
    _label_zh,
    _letter,
    _lookup,
    _name_key,
)

# --- header row -------------------------------------------------------------------------


def _is_blank_row(row: Sequence[Cell]) -> bool:
    return all(isinstance(value, str) and not value.strip() for value in row)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a sheet's columns are, and what is wrong with its header."""

    header_index: int  # 0-based index of the header row, -1 when none
    positions: tuple[tuple[int, Column], ...]  # usable columns, left to right
    missing: tuple[Column, ...]
    duplicates: tuple[tuple[Column, tuple[int, ...]], ...]
    unknown: tuple[tuple[int, str], ...]  # (position, header text), lookalikes aside
    lookalikes: tuple[tuple[int, str, Column], ...] = ()  # unknown columns that look like a known one
    # columns without a header that hold values below it: (position, the Excel rows of those values)
    unheaded: tuple[tuple[int, tuple[int, ...]], ...] = ()

    position: dict[str, int] = field(default_factory=dict)  # column key -> position

    def __post_init__(self) -> None:
        self.position.update((column.key, position) for position, column in self.positions)


def _header_index(rows: Rows) -> int:
    for index, row in enumerate(rows):
        if not _is_blank_row(row):
            return index
    return -1


_BRACKETS: Final = frozenset("()（）[]［］【】{}｛｝<>＜＞《》〈〉「」『』")


def _bare(text: str) -> str:
    """A header without its spaces and brackets, in lower case: 享受微企扶持（是/否） -> 享受微企扶持是/否."""
    return "".join(ch for ch in text.lower() if not ch.isspace() and ch not in _BRACKETS)


def looks_like(sheet: str, text: str) -> Column | None:
    """The known column of sheet ``sheet`` that an unknown header ``text`` looks like: the one whose
    Chinese header or key it contains (spaces and brackets aside; the longest such name wins).

    SPEC §3 ignores unknown columns; but 享受微企扶持（是/否） is a value given under a wrong
    name, and ignored it would read every enterprise as not enjoying micro-enterprise support."""
    bare = _bare(text)
    found: Column | None = None
    longest = 0
    for column in _COLUMNS[sheet].values():
        for name in map(_bare, (column.header, column.key)):
            if len(name) > longest and name in bare:
                found, longest = column, len(name)
    return found


def _unheaded(rows: Rows, index: int) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The columns with a blank header (or right of the header row) that hold a value in a row below it,
    each with the Excel rows of its values.  SPEC §3 ignores unknown columns but lists them; a column
    without a header is one too, and its values would otherwise be dropped unsaid."""
    header = rows[index]
    named = max((p + 1 for p in range(len(header)) if not cells.is_blank(header[p])), default=0)  # padding aside
    blank_heads = [p for p in range(named) if cells.is_blank(header[p])]
    filled: dict[int, list[int]] = {}
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        # calamine pads every row to the sheet's width with '': the part right of the header is skipped at
        # C speed when it holds nothing else (one stray cell far right would otherwise cost rows × width)
        tail = row[named:]
        positions = blank_heads if tail.count("") == len(tail) else [*blank_heads, *range(named, len(row))]
        for position in positions:
            if position < len(row) and row[position] != "" and not cells.is_blank(row[position]):
                filled.setdefault(position, []).append(number)
    return tuple((position, tuple(filled[position])) for position in sorted(filled))


def _layout(spec: SheetSpec, rows: Rows) -> Layout:
    index = _header_index(rows)
    by_name = _lookup((c.key, c.key, c.header) for c in spec.columns)
    columns = _COLUMNS[spec.key]
    found: dict[str, list[int]] = defaultdict(list)
    unknown: list[tuple[int, str]] = []
    lookalikes: list[tuple[int, str, Column]] = []
    for position, cell in enumerate(rows[index] if index >= 0 else ()):
        text = cell if isinstance(cell, str) else cells.shown(cell)
        if not text.strip():
            continue
        key = by_name.get(_name_key(text))
        if key is not None:
            found[key].append(position)
        elif (like := looks_like(spec.key, text)) is not None:
            lookalikes.append((position, text.strip(), like))
        else:
            unknown.append((position, text.strip()))
    return Layout(
        header_index=index,
        positions=tuple(sorted((p[0], columns[k]) for k, p in found.items() if len(p) == 1)),
        missing=tuple(c for c in spec.columns if c.required and c.key not in found),
        duplicates=tuple((columns[k], tuple(p)) for k, p in found.items() if len(p) > 1),
        unknown=tuple(unknown),
        lookalikes=tuple(lookalikes),
        unheaded=_unheaded(rows, index) if index >= 0 else (),
    )


def _duplicate_text(column: Column, positions: Sequence[int]) -> Say:
    letters = ", ".join(_letter(p) for p in positions)
    letters_zh = "、".join(_letter(p) for p in positions)
    return Say(
        f"{_label_zh(column.key, column.header)}列出现了不止一次（{letters_zh}列）",
        f"column {_label(column.key, column.header)} appears more than once (columns {letters})",
    )


def _missing_text(missing: Sequence[Column]) -> Say:
    labels = ", ".join(_label(c.key, c.header) for c in missing)
    labels_zh = "、".join(_label_zh(c.key, c.header) for c in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return Say(f"缺少必填列{labels_zh}", f"missing required {noun} {labels}")


def _lookalike_text(layout: Layout) -> Say:
    """'' or, for the missing columns that a header looks like, how to fix the header row."""
    found = [(p, text, like) for p, text, like in layout.lookalikes if like in layout.missing]
    if not found:
        return Say("", "")
    zh = "、".join(f"{_letter(p)}列“{text}”像是{like.header}" for p, text, like in found)
    en = ", ".join(f"column {_letter(p)} {text!r} looks like {like.key}" for p, text, like in found)
    return Say(f"（{zh}：请改正表头）", f" ({en}: rename the header)")


def _enterprise_layout(source: Path | str, sheet: RawSheet) -> Layout:
    layout = _layout(sheet.spec, sheet.rows)
    name = sheet.name
    if layout.header_index < 0:
        raise _fail(source, Say(f"工作表“{name}”是空的（没有表头行）", f"sheet {name!r} is empty (no header row)"))
    if layout.missing:
        header_row = layout.header_index + 1
        missing = _missing_text(layout.missing)
        like = _lookalike_text(layout)
        raise _fail(
            source,
            Say(
                f"工作表“{name}”{missing.zh}；其表头行是第{header_row}行{like.zh}",
                f"sheet {name!r} is {missing.en}; its header row is row {header_row}{like.en}",
            ),
        )
    if layout.duplicates:
        column, positions = layout.duplicates[0]
        twice = _duplicate_text(column, positions)
        raise _fail(source, Say(f"工作表“{name}”：{twice.zh}", f"sheet {name!r}: {twice.en}"))
    return layout


def _sheet_error(spec: SheetSpec, column: Column, what: Say) -> InputIssue:
    return InputIssue(
        sheet=spec.key,
        row=None,
        column=column.key,
        header=column.header,
        value=None,
        severity="error",
        message=f"{what.en}; no row of this sheet is used",
        message_zh=f"{what.zh}；本工作表各行均不使用",
    )


def _sheet_issues(spec: SheetSpec, layout: Layout) -> list[InputIssue]:
    """Sheet-level issues: errors (the sheet is not used) and the unknown-column notice."""
    header_row = layout.header_index + 1
    issues = [
        _sheet_error(
            spec,
            c,
            Say(
                f"表头行（第{header_row}行）缺少必填列{_label_zh(c.key, c.header)}",
                f"required column {_label(c.key, c.header)} is missing from header row {header_row}",
            ),
        )
        for c in layout.missing
    ]
    issues.extend(_sheet_error(spec, c, _duplicate_text(c, p)) for c, p in layout.duplicates)
    for position, text, like in layout.lookalikes:
        issues.append(
            InputIssue.of_sheet(
                spec.key,
                "warning",
                f"unknown column {text} ({_letter(position)}) looks like {_label(like.key, like.header)}: "
                "rename the header, or it is ignored",
                f"未识别的列“{text}”（{_letter(position)}列）像是{_label_zh(like.key, like.header)}："
                "请改正表头，否则该列被忽略",
                value=text,
            )
        )
    for position, numbers in layout.unheaded:
        issues.append(_unheaded_notice(spec, position, numbers))
    if layout.unknown:
        names = ", ".join(f"{text} ({_letter(p)})" for p, text in layout.unknown)
        names_zh = "、".join(f"{text}（{_letter(p)}列）" for p, text in layout.unknown)
        issues.append(
            InputIssue.of_sheet(
                spec.key,
                "notice",
                f"unknown columns ignored: {names}",
                f"未识别的列，已忽略：{names_zh}",
            )
        )
    return issues


def _unheaded_notice(spec: SheetSpec, position: int, numbers: Sequence[int]) -> InputIssue:
    letter = _letter(position)
    shown = ", ".join(map(str, numbers[:3]))
    shown_zh = "、".join(map(str, numbers[:3]))
    more = f" and {len(numbers) - 3} more" if len(numbers) > 3 else ""
    more_zh = f"等{len(numbers)}行" if len(numbers) > 3 else "行"
    return InputIssue.of_sheet(
        spec.key,
        "notice",
        f"column {letter} has no header but holds values ({'row' if len(numbers) == 1 else 'rows'} {shown}{more}):"
        " they are not read; give the column a header, or delete the values",
        f"{letter}列没有表头，但有填写的值（第{shown_zh}{more_zh}）：这些值未被读取；请为该列填写表头，或删除这些值",
    )


# --- merged cells -------------------------------------------------------------------------

_FILLED_DOWN: Final = frozenset({cells.to_text, cells.to_yes_no, cells.to_hq_type, cells.to_demo_level})


def fills_down(column: Column) -> bool:
    """Whether a cell of ``column`` merged down over several rows is read on each of them.

    Yes for the credit code and the text, yes/no and choice columns: a merged value
    there says the same thing of every row it covers (one enterprise, one building, a
    yes for each lease), exactly as if it were typed on each.  No for the amount,
    number, year and date columns: a merged 36,600 over two invoices is one amount
    for both, not 36,600 each, and copying it would pay it twice; which share belongs
    to which row, or whether a date is each row's own, only the clerk knows."""
    return column is CREDIT_CODE or column.convert in _FILLED_DOWN


@dataclass(frozen=True, slots=True)
class _Span:
    """A merged range over several rows whose cells cannot be read on each row."""

    top: int  # Excel rows
    bottom: int
    ref: str  # F2:F3
    columns: tuple[int, ...]  # the 1-based known columns it covers that are not read


def _fill_merged(rows: Rows, merged: Merges, layout: Layout) -> list[_Span]:
    """Read a cell merged down over several rows on each row it covers where ``fills_down``
    says so (calamine gives its value on the top row only); return the other ranges over
    several rows, whose cells are errors on every data row they cover.

    (A credit code merged over two lease rows belongs to both; read as blank, the
    second row would be dropped and the rent computed from the first alone.)  A range
    that begins on or above the header row is never filled down (its value is a header)."""
    columns = dict(layout.positions)
    spans: list[_Span] = []
    for (top, left), (bottom, right) in merged:
        if bottom <= top or bottom <= layout.header_index:
            continue
        below_header = top > layout.header_index
        refused = [
            position
            for position in range(left, right + 1)
            if position in columns and not (below_header and fills_down(columns[position]))
        ]
        if refused:
            ref = f"{_letter(left)}{top + 1}:{_letter(right)}{bottom + 1}"
            spans.append(_Span(top + 1, bottom + 1, ref, tuple(p + 1 for p in refused)))
        if left not in columns or left in refused or top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for row in rows[top + 1 : bottom + 1]:
            if left < len(row) and row[left] == "" and isinstance(row, list):
                row[left] = value
    return spans
