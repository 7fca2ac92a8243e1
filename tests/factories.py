"""Small builders for the hand-worked measure tests.

Every record defaults to an ordinary, eligible e-commerce legal entity with no
records; a test states only what matters to it.  ``rules_with`` applies textual
edits to the shipped ``tongnan_calc/rules.yaml`` so a test reads exactly like an
analyst's revision of the rule file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from tongnan_calc.core.model import (
    SHEET_NAMES_ZH,
    DataLine,
    Enterprise,
    InputIssue,
    Lease,
    Line,
    Loan,
    PriorPayout,
    Records,
    Sale,
    Status,
)
from tongnan_calc.core.rules import Rules
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, parse_rules
from tongnan_calc.text.basis import basis_text
from tongnan_calc.text.messages import render

# Realistic USCCs of Chongqing (5002xx) enterprises; the check characters are right.
CODE = "91500223MA5U7K3L2W"
CODE_B = "91500223MA60B4XQ8A"
CODE_C = "92500223MA5YP6HC1K"

SHIPPED = load_rules()


def d(text: str) -> date:
    return date.fromisoformat(text)


def dec(value: str | int) -> Decimal:
    return Decimal(str(value))


def ent(**overrides: object) -> Enterprise:
    """An e-commerce legal entity with nothing else set; override any field."""
    fields: dict[str, object] = {
        "credit_code": CODE,
        "name": "重庆潼南测试电子商务有限公司",
        "ecommerce_entity": True,
        "row": 2,
    }
    for key in ("settled_on", "operating_since"):
        if isinstance(overrides.get(key), str):
            overrides[key] = d(str(overrides[key]))
    fields.update(overrides)
    return Enterprise(**fields)  # type: ignore[arg-type]


def rec(
    enterprise: Enterprise | None = None,
    *,
    leases: Iterable[Lease] = (),
    data_lines: Iterable[DataLine] = (),
    sales: Iterable[Sale] = (),
    loans: Iterable[Loan] = (),
    blocking: tuple[tuple[str, tuple[InputIssue, ...]], ...] = (),
    prior: Iterable[PriorPayout] = (),
) -> Records:
    return Records(
        enterprise=enterprise if enterprise is not None else ent(),
        leases=tuple(leases),
        data_lines=tuple(data_lines),
        sales=tuple(sales),
        loans=tuple(loans),
        blocking=blocking,
        prior=tuple(prior),
    )


def lease(
    start: str,
    end: str,
    rent: str | int,
    area: str | int = 100,
    *,
    planned: bool = True,
    code: str = CODE,
    building: str = "潼南电子商务大厦",
    row: int = 2,
) -> Lease:
    return Lease(
        credit_code=code,
        planned_building=planned,
        area_m2=dec(area),
        period_start=d(start),
        period_end=d(end),
        rent_paid=dec(rent),
        building=building,
        row=row,
    )


def fee(year: int, amount: str | int, *, code: str = CODE, row: int = 2) -> DataLine:
    return DataLine(credit_code=code, year=year, fee_paid=dec(amount), row=row)


def sale(year: int, amount: str | int, *, code: str = CODE, row: int = 2) -> Sale:
    return Sale(credit_code=code, year=year, sales=dec(amount), row=row)


def loan(
    loan_id: str,
    principal: str | int,
    drawdown: str,
    maturity: str,
    *,
    key_project: bool = True,
    interest_paid: str | int | None = None,
    code: str = CODE,
    row: int = 2,
) -> Loan:
    return Loan(
        credit_code=code,
        loan_id=loan_id,
        key_project=key_project,
        principal=dec(principal),
        drawdown_date=d(drawdown),
        maturity_date=d(maturity),
        interest_paid=None if interest_paid is None else dec(interest_paid),
        row=row,
    )


def paid(measure: str, year: int, amount: str | int, *, tier: str | int | None = None, code: str = CODE) -> PriorPayout:
    return PriorPayout(
        credit_code=code,
        year=year,
        measure=measure,
        amount=dec(amount),
        tier=None if tier is None else dec(tier),
    )


def issue(sheet: str, row: int = 7, column: str = "area_m2", *, code: str = CODE) -> InputIssue:
    return InputIssue(
        sheet=sheet,
        row=row,
        column=column,
        header="租用面积" if column == "area_m2" else None,
        value="-120",
        severity="error",
        message="负数：应为大于零的数",
        credit_code=code,
    )


def blocking(sheet: str, *issues: InputIssue) -> tuple[tuple[str, tuple[InputIssue, ...]], ...]:
    return ((sheet, issues or (issue(sheet),)),)


# --- rule files ----------------------------------------------------------------


def _replace_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    assert count == 1, f"rules_with: {old!r} occurs {count} times in rules.yaml, expected once"
    return text.replace(old, new)


def rules_with(
    *replacements: tuple[str, str],
    tier_amounts: Sequence[int | str | None] | None = None,
    sales_mode: str | None = None,
    rent_rates_from: dict[str, tuple[str, str]] | None = None,
    excluded: Sequence[str] | None = None,
) -> Rules:
    """The shipped rule file with textual edits, parsed as ``test-rules.yaml``.

    - ``replacements``: (old, new) pairs; each ``old`` must occur exactly once.
    - ``tier_amounts``: the three ``amount: null`` of sales_milestone.tiers, in order.
    - ``sales_mode``: replaces ``highest_only`` (e.g. ``top_up``).
    - ``rent_rates_from``: extra dated values of rent.rates, e.g.
      ``{"2016-07-01": ("0.50", "0.25")}``, added after the 2015-01-01 value.
    - ``excluded``: a new policy.excluded_by_micro_support list.
    """
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for old, new in replacements:
        text = _replace_once(text, old, new)
    if tier_amounts is not None:
        assert len(tier_amounts) == 3
        for threshold, amount in zip(("50000000", "100000000", "1000000000"), tier_amounts, strict=True):
            text = _replace_once(
                text,
                f"{{threshold: {threshold}, amount: null}}",
                f"{{threshold: {threshold}, amount: {'null' if amount is None else amount}}}",
            )
    if sales_mode is not None:
        text = _replace_once(text, "2015-01-01: highest_only", f"2015-01-01: {sales_mode}")
    if rent_rates_from:
        base = "        2015-01-01: [0.60, 0.30]\n"
        added = "".join(f"        {day}: [{y1}, {y2}]\n" for day, (y1, y2) in sorted(rent_rates_from.items()))
        text = _replace_once(text, base, base + added)
    if excluded is not None:
        text = _replace_once(
            text,
            "excluded_by_micro_support: [rent, spin_off, data_line, sales_milestone]",
            f"excluded_by_micro_support: [{', '.join(excluded)}]",
        )
    return parse_rules(text.encode("utf-8"), "test-rules.yaml")


# Sales tiers with amounts (the notice fixes none): 50 million -> 100,000 etc.
TIER_AMOUNTS = (100000, 200000, 1000000)


# --- assertions shared by the measure tests ---------------------------------------


def param_names(line: Line) -> set[str]:
    """The names of the rule-file parameters a line's basis cites (measure prefix dropped)."""
    return {p.name.rsplit(".", 1)[-1] for p in line.basis.params}


def assert_payable(line: Line, amount: str, params: Iterable[str]) -> None:
    assert line.status is Status.PAYABLE, (line.status, render(line.reason, "zh"), basis_text(line.basis))
    assert line.amount is not None
    assert isinstance(line.amount, Decimal)
    # exactly two places, the value worked by hand
    assert str(line.amount) == amount, (str(line.amount), amount, basis_text(line.basis))
    missing = set(params) - param_names(line)
    assert not missing, f"basis does not name {missing}: {basis_text(line.basis)}"


def assert_ineligible(line: Line, clause: str, *fragments: str) -> str:
    assert line.status is Status.INELIGIBLE, (line.status, line.amount, render(line.reason, "zh"))
    assert line.amount is None or line.amount == 0
    text = render(line.reason, "zh")
    assert clause in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return text


def assert_nothing_to_pay(line: Line, clause: str, params: Iterable[str]) -> None:
    """A computed amount of 0.00 (common.payable): ineligible, nothing to pay, the computation in the basis."""
    assert line.status is Status.INELIGIBLE, (line.status, line.amount, render(line.reason, "zh"))
    assert (line.amount, line.tier) == (None, None)
    assert render(line.reason, "zh") == f"按计算依据，金额为0.00元，无需发放（{clause}）"
    assert render(line.reason, "en") == f"the computed amount is 0.00: nothing to pay ({clause})"
    assert [s.get("amount") for s in line.basis.of("rounded")] == [Decimal("0.00")]
    last = line.basis.checks[-1]
    assert (last.kind, last.met, last.args) == ("amount_above_zero", False, (("amount", Decimal("0.00")),))
    missing = set(params) - param_names(line)
    assert not missing, f"basis does not name {missing}: {basis_text(line.basis)}"


def assert_blocked(line: Line, sheet: str) -> None:
    assert line.status is Status.BLOCKED, (line.status, render(line.reason, "zh"))
    assert line.amount is None
    assert sheet in render(line.reason, "en")
    assert SHEET_NAMES_ZH[sheet] in render(line.reason, "zh")  # the cells are named in the reader's language
