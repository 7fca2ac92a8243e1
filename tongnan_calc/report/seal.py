"""A check value for each payable line of a payout workbook.

The payout workbook goes to the finance bureau and comes back approved, perhaps
with rejected rows deleted.  Before the ledger records it, each row left must be
exactly as the calculator wrote it: the seal is a digest of the line's year,
credit code, measure, tier and amount and of the run (rule file and input
digests), so an edited amount or credit code no longer matches.  A pending line
(no amount) carries one too (``pending_seal``), so that a reviewer's decided amount
is recorded for the line the calculator wrote.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

from tongnan_calc.core.money import canonical, fmt


def seal(
    *,
    year: int,
    rules_sha256: str,
    input_sha256: str,
    credit_code: str,
    measure: str,
    tier: Decimal | None,
    amount: Decimal,
) -> str:
    return _digest("tongnan-calc-line-v1", year, rules_sha256, input_sha256, credit_code, measure, tier, fmt(amount))


def pending_seal(
    *,
    year: int,
    rules_sha256: str,
    input_sha256: str,
    credit_code: str,
    measure: str,
    tier: Decimal | None,
) -> str:
    """The check value of a pending line (no amount: the reviewer decides one in 核定金额, which
    the check value does not cover); a text of its own form, so it never equals a payable seal."""
    return _digest("tongnan-calc-pending-v1", year, rules_sha256, input_sha256, credit_code, measure, tier)


def _digest(
    form: str,
    year: int,
    rules_sha256: str,
    input_sha256: str,
    credit_code: str,
    measure: str,
    tier: Decimal | None,
    *rest: str,
) -> str:
    """The first 20 hex digits of the SHA-256 of the fields joined by ``|``, the form's name first."""
    shown_tier = "" if tier is None else f"{canonical(tier):f}"
    text = "|".join((form, str(year), rules_sha256, input_sha256, credit_code, measure, shown_tier, *rest))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (inputs, rule files and workbooks are named by it)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
