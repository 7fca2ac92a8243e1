"""The trace of one computation, as data: what a measure checked, read and worked out.

Each measure returns, with its line, a ``Basis`` (the trace): the rule-file values
it used (``ParamUse``), the conditions it checked with the values seen and their
outcome (``Check``), and the intermediate values in the order it worked them out
(``Step``: interval dates, days, rent, area, factor, rate, subsidy; loan term,
rate, days, interest; caps applied; the exact amount and the one rounding).

A check or a step is a kind (a key of the text catalog, ``text.basis``) and typed
arguments (dates, ints, Fractions, Decimals, strings, booleans, tuples of them);
nothing here is text for a reader.  Every text a clerk reads — the payout
workbook's 计算依据 column, the JSON ``basis``, ``explain``, ``rules test``
failures, in Chinese and in English — is rendered from these by ``text.basis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

Value: TypeAlias = "date | int | Fraction | Decimal | str | bool | tuple[Value, ...] | None"
"""A typed argument of a step or a check."""

Args: TypeAlias = tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A rule-file value that a computation used, with where it came from.

    ``value`` is the value as the rule file states it (made once per rule file);
    ``reference`` the document that sets it (文号, date, clause, URL) when the rule file names one."""

    name: str
    value: str
    effective: date
    clause: str
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One intermediate value of a computation: a kind of the catalog and its typed arguments."""

    kind: str
    args: Args = ()

    def get(self, name: str) -> Value:
        for key, value in self.args:
            if key == name:
                return value
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Check:
    """One condition of the clause, with the values seen and its outcome.

    ``met`` is ``None`` when the condition cannot be judged (a value it depends on is missing)."""

    kind: str
    met: bool | None
    args: Args = ()

    def get(self, name: str) -> Value:
        for key, value in self.args:
            if key == name:
                return value
        raise KeyError(name)


def step(kind: str, **args: Value) -> Step:
    return Step(kind, tuple(args.items()))


def check(kind: str, met: bool | None, **args: Value) -> Check:
    return Check(kind, met, tuple(args.items()))


@dataclass(frozen=True, slots=True)
class Basis:
    """The trace of one line: parameters used, conditions checked, values worked out."""

    params: tuple[ParamUse, ...] = ()
    steps: tuple[Step, ...] = ()
    checks: tuple[Check, ...] = ()

    def of(self, kind: str) -> tuple[Step, ...]:
        """The steps of one kind, in order."""
        return tuple(s for s in self.steps if s.kind == kind)


# The kinds every payable line ends with (``measures.common.payable``).
EXACT = "exact"
ROUNDED = "rounded"
