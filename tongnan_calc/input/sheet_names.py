"""Sheet names a clerk decorates: ``办公租赁（2016年）`` is the leases sheet.

A sheet whose name is not a known name may still be one: the known name (an English
key or a Chinese header) plus decoration — a year (2016, 2016年, 2016年度), 表, spaces,
separators, brackets of any kind (full-width （）【】 too), full-width forms of letters
and digits, 副本 / copy / Copy of, a number (Excel's ``leases (2)``).  ``decorated``
finds the known name such a sheet stands for; ``match_names`` sorts a workbook's sheet
names into the sheets read (exactly or by decoration), the candidates that compete for
one sheet, and the names that look like nothing.  The input reader and the ledger's
workbooks (history import, ledger record) use the same matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

_DROPPED: Final = frozenset(
    "()[]{}<>（）［］【】〔〕〖〗｛｝＜＞《》〈〉「」『』"  # brackets
    "-_.·・—–~/\\|,，、:：;；#＃'\"“”‘’`+＋=*"  # separators
)
_DECORATION: Final = re.compile(r"(?:[0-9]+年度?|[0-9]+|年度|表|的?副本|copyof|copy|第)*")
"""What may surround a known name once ``canonical`` has removed spaces, brackets and
separators: years and numbers (2016, 2016年, 2016年度, 2), 表, 副本, copy / copy of."""


def canonical(name: str) -> str:
    """A sheet name compared by decoration: full-width forms as their ASCII (NFKC),
    case folded, without spaces, brackets and separators (``Data_Lines`` -> ``datalines``)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in _DROPPED)


def decorated(name: str, known: Mapping[str, str]) -> str | None:
    """The target of ``known`` (canonical known name -> target) that ``name`` is a decorated
    form of, or None: ``name`` holds the known name, and the rest of it is decoration."""
    text = canonical(name)
    targets = set()
    for known_name, target in known.items():
        start = text.find(known_name)
        while start >= 0:
            rest = text[:start] + text[start + len(known_name) :]
            if _DECORATION.fullmatch(rest):
                targets.add(target)
                break
            start = text.find(known_name, start + 1)
    return targets.pop() if len(targets) == 1 else None


def canonical_table(names: Mapping[str, str]) -> dict[str, str]:
    """``decorated``'s table from known name -> target."""
    return {canonical(name): target for name, target in names.items() if canonical(name)}


@dataclass(frozen=True, slots=True)
class Matched:
    """A workbook's sheet names sorted by ``match_names``."""

    found: dict[str, str] = field(default_factory=dict)  # target -> the sheet read for it
    decorated: dict[str, str] = field(default_factory=dict)  # target -> its sheet, when taken by decoration
    competing: dict[str, tuple[str, ...]] = field(default_factory=dict)  # target -> sheets, none read
    exact_twice: dict[str, tuple[str, str]] = field(default_factory=dict)  # target -> two exact names
    unknown: tuple[str, ...] = ()  # names that are no known sheet and look like none


def match_names(names: Sequence[str], exact: Mapping[str, str], known: Mapping[str, str]) -> Matched:
    """Sort sheet ``names``: ``exact`` maps a name's exact key (``strip().lower()``) to its
    target, ``known`` is ``decorated``'s table.  A target with one exact sheet and no
    decorated one, or one decorated sheet alone, is found; a target with an exact sheet and
    a decorated one, or two decorated ones, has its candidates competing (none is read);
    two exact names of one target are ``exact_twice`` (the first two)."""
    exact_of: dict[str, list[str]] = {}
    decorated_of: dict[str, list[str]] = {}
    unknown: list[str] = []
    for name in names:
        target = exact.get(name.strip().lower())
        if target is not None:
            exact_of.setdefault(target, []).append(name)
        elif (target := decorated(name, known)) is not None:
            decorated_of.setdefault(target, []).append(name)
        else:
            unknown.append(name)
    matched = Matched(unknown=tuple(unknown))
    for target in [*exact_of, *(t for t in decorated_of if t not in exact_of)]:
        plain, other = exact_of.get(target, []), decorated_of.get(target, [])
        if len(plain) > 1:
            matched.exact_twice[target] = (plain[0], plain[1])
        elif plain and not other:
            matched.found[target] = plain[0]
        elif len(other) == 1 and not plain:
            matched.found[target] = matched.decorated[target] = other[0]
        else:
            matched.competing[target] = (*plain, *other)
    return matched
