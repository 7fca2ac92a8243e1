"""The shipped example's fictional enterprises: their payouts never reach a real ledger silently.

``examples/example.xlsx`` (and ``examples/history.xlsx``, made from it) hold 20 fictional
enterprises with valid credit codes of the district (``91500223MA6…``).  A clerk trying the
tool may follow the help: ``run examples/example.xlsx --out payout-2016.xlsx``, then ``ledger
record payout-2016.xlsx``; recorded into the bureau's ledger, those payouts would count as
paid.  ``ledger record`` and ``ledger import`` therefore refuse a workbook computed from the
example (its provenance names the example's SHA-256) or whose every credit code is one of the
example's, unless ``--example`` says that the ledger is a scratch ledger for trying the tool.
(A real batch never consists only of these 20 fictional codes; the template's example row
``91500223EXAMPLE00T`` is refused by the reader itself.)

``tests/test_ledger_example.py`` checks these values against ``examples/make_example.py`` and
the committed workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from tongnan_calc.core.say import Say
from tongnan_calc.ledger.schema import LedgerError

EXAMPLE_SHA256: Final = "632783b003238836434ac6e4aff1b40b0590846fee61ae42dbacd3227301a38f"
EXAMPLE_CODES: Final = frozenset(
    {
        "91500223MA601P037Q",  # E01
        "91500223MA602P074B",  # E02
        "91500223MA603P1119",  # E03
        "91500223MA604P148R",  # E04
        "91500223MA605P185C",  # E05
        "91500223MA606P222A",  # E06
        "91500223MA607P259T",  # E07
        "91500223MA608P296D",  # E08
        "91500223MA609P333B",  # E09
        "91500223MA610P3703",  # E10
        "91500223MA611P407Y",  # E11
        "91500223MA612P444H",  # E12
        "91500223MA613P4814",  # E13
        "91500223MA614P5180",  # E14
        "91500223MA615P555J",  # E15
        "91500223MA616P5925",  # E16
        "91500223MA617P6291",  # E17
        "91500223MA618P666L",  # E18
        "91500223MA619P703H",  # E19
        "91500223MA620P7409",  # E20
    }
)


def is_example(codes: Iterable[str], input_sha256: str | None = None) -> bool:
    """Whether a workbook comes from the shipped example: computed from it, or every one of its
    (at least one) credit codes is one of the example's fictional enterprises."""
    if input_sha256 is not None and input_sha256.lower() == EXAMPLE_SHA256:
        return True
    found = set(codes)
    return bool(found) and found <= EXAMPLE_CODES


TRY_IT: Final = Say("；如只是在临时台账上试用，请加 --example", "; to try the tool on a scratch ledger, add --example")


def example_payouts(workbook: Path) -> LedgerError:
    """``ledger record`` of a payout workbook computed from the example."""
    return LedgerError(
        Say(
            f"{workbook} 是根据随附的虚构示例（examples/example.xlsx）计算的发放表，其中的企业并不存在：未记录任何发放",
            f"{workbook} was computed from the shipped fictional example (examples/example.xlsx), whose enterprises"
            " do not exist: nothing was recorded",
        )
        + TRY_IT
    )


def example_history(workbook: Path) -> LedgerError:
    """``ledger import`` of a history workbook holding only the example's enterprises."""
    return LedgerError(
        Say(
            f"{workbook} 中只有随附虚构示例（examples/example.xlsx）的企业，这些企业并不存在：未导入任何内容",
            f"{workbook} holds only the enterprises of the shipped fictional example (examples/example.xlsx),"
            " which do not exist: nothing was imported",
        )
        + TRY_IT
    )
