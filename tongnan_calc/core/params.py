"""The rule-file parameters a measure reads, as the measure declares them (SPEC §5).

Each measure module declares, once, the parameters it reads (``RATES = Param("rates", PAIR, "fraction")``)
and reads them through those declarations (``uses.get(RATES, day)``); the registry
(``core.measures.PARAMS``) lists them by measure.  Nothing else spells a parameter's name: the rule
file's schema (``rules/schema.py``) derives from the declarations which parameters each measure has
and how each is validated (the schema keeps what each kind and unit allows), and the basis, ``explain``,
``rules show`` and the scenarios take a name from its declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class Kind(Enum):
    """What the code reads a parameter's value as."""

    NUMBER = "number"  # a Decimal
    WHOLE = "whole"  # an int
    PAIR = "pair"  # two Decimals: (year 1, year 2)
    CHOICE = "choice"  # one of ``Param.choices`` (a str)
    CHOICES = "choices"  # some of ``Param.choices``, each once (a tuple of str)
    CHOICES_OR_ANY = "choices or any"  # that, or ``core.rules.ANY``
    TIERS = "tiers"  # thresholds and their amounts (a tuple of ``core.rules.Tier``)
    BANDS = "bands"  # a rate by term band (a tuple of ``core.rules.Band``), or None: none in force
    DATE_OR_NULL = "date or null"  # a date, or None
    TRUE_OR_NULL = "true or null"  # True, or None


class _Absent:
    """What a rule file that leaves a parameter out gets (see ``Param.left_out``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


REQUIRED: Final = _Absent("REQUIRED")
"""The rule file must give the parameter (a file without it is refused)."""
NOT_KEPT: Final = _Absent("NOT_KEPT")
"""The rule file may leave the parameter out; then it is not kept at all."""


@dataclass(frozen=True)
class Param:
    """A parameter a measure reads: its name under the measure's ``params``, what the code reads it
    as, the unit it reads it in (the ``unit`` a rule file's ``documentation`` must give it), the values
    a choice may take, and what a rule file that leaves it out gets: ``REQUIRED`` (refused),
    ``NOT_KEPT``, or this value from the policy start."""

    name: str
    kind: Kind
    unit: str
    choices: tuple[str, ...] = ()
    left_out: object = REQUIRED

    @property
    def optional(self) -> bool:
        return self.left_out is not REQUIRED


ENABLED: Final = Param("enabled", Kind.TRUE_OR_NULL, "true/null", left_out=NOT_KEPT)
"""Every measure's: ``true`` while it is in force, ``null`` from the day it ends (``Rules.ended`` reads
it); a rule file that leaves it out never ends the measure this way."""

DEMO_LEVELS: Final = ("national", "municipal")
"""The demonstration levels (``demo_level``) a ``levels`` parameter may list."""
