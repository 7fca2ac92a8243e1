"""One enterprise's whole computation, measure by measure, as data (``tongnan-calc explain``).

Pure: the enterprise's records (with the prior payouts the ledger gave for years
before Y) are computed again here as a batch of one, by the engine and the same
measures as ``run`` (``engine.compute``), and each line's trace is rendered: the
words of the notice, every condition the measure checked with the values seen and
its outcome, the rule-file values used with the date each took effect, the rent
intervals, the other steps, the caps, the prior payouts, the one rounding, and
the input issues that block it.  Nothing is worked out here: every value shown is
an argument of a step or a check of the trace (``core.trace``), and its text comes
from the catalog (``text.basis``).  ``basis_lines`` are exactly the line's basis,
the text of the payout workbook's 计算依据 column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tongnan_calc.clerk.duties import MEASURE_TEXT, STACKING_TEXT
from tongnan_calc.core import engine
from tongnan_calc.core.measures import data_line, loan_interest, rent
from tongnan_calc.core.measures.common import ENTITY_ONLY
from tongnan_calc.core.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    SHEET_NAMES_ZH,
    Enterprise,
    InputIssue,
    Line,
    ParamUse,
    PriorPayout,
    Records,
    Status,
    Step,
)
from tongnan_calc.core.money import fmt
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Lang
from tongnan_calc.core.trace import EXACT, ROUNDED
from tongnan_calc.text.basis import basis_lines, check_text, label, step_text, text
from tongnan_calc.text.messages import render

# The sheet each measure needs; an error in it for this enterprise blocks the measure.
SHEET_OF: Mapping[str, str] = {
    "rent": LEASES,
    "data_line": DATA_LINES,
    "sales_milestone": SALES,
    "loan_interest": LOANS,
}
SHEET_ZH: Mapping[str, str] = SHEET_NAMES_ZH
# Parameters that cap an amount or a quantity.
CAP_PARAMS = (rent.AREA_CAP.name, data_line.ANNUAL_CAP.name, loan_interest.ENTERPRISE_CAP.name)
# The steps that say a cap on an amount was applied (each has the name of its parameter).
CAP_STEPS = (data_line.ANNUAL_CAP.name, loan_interest.ENTERPRISE_CAP.name)


@dataclass(frozen=True)
class Condition:
    """One condition of the clause: what it requires, what the input says, and whether it holds.

    ``met`` is ``None`` when the condition cannot be judged because a value it
    depends on is missing (that missing value is itself a failed condition).
    """

    text: str
    seen: str
    met: bool | None


@dataclass(frozen=True)
class Interval:
    """``rent``: days on which the rate, the area cap and the set of leases are constant."""

    start: date
    end: date  # inclusive
    days: int
    lease_rows: str
    rent: str
    area_m2: str
    factor: str
    rate: str
    subsidy: str


@dataclass(frozen=True)
class Cap:
    name: str
    value: str
    effective: date
    applied: bool
    detail: str


@dataclass(frozen=True)
class Rounding:
    exact: str
    rounded: str


@dataclass(frozen=True)
class MeasureExplanation:
    measure: str
    title: str
    clause: str
    notice_text: str
    stacking_text: str  # 二（七）, when it adds conditions to this measure; else ""
    responsible: tuple[str, ...]
    status: Status
    amount: Decimal | None
    tier: Decimal | None
    reason: str
    conditions: tuple[Condition, ...]
    params: tuple[ParamUse, ...]
    intervals: tuple[Interval, ...]
    steps: tuple[Step, ...]  # the basis steps that are neither an interval nor the rounding
    caps: tuple[Cap, ...]
    prior: tuple[PriorPayout, ...]
    rounding: Rounding | None
    blocking: tuple[InputIssue, ...]
    basis_lines: tuple[str, ...]  # = text.basis.basis_lines(line.basis, lang): the payout workbook's 计算依据 column


@dataclass(frozen=True)
class Sources:
    rules_path: str
    rules_version: str
    rules_sha256: str
    input_path: str
    input_sha256: str
    ledger_path: str | None  # None: no ledger was read
    prior_read: int  # prior payouts read from the ledger, all enterprises


@dataclass(frozen=True)
class Explanation:
    year: int
    lang: Lang
    enterprise: Enterprise
    facts: tuple[tuple[str, str], ...]  # (column key, value) of the enterprises row, as read
    record_counts: tuple[tuple[str, int], ...]  # (sheet key, rows) for this enterprise
    prior: tuple[PriorPayout, ...]
    issues: tuple[InputIssue, ...]
    measures: tuple[MeasureExplanation, ...]
    total_payable: Decimal
    sources: Sources | None = None

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


# --- finding the enterprise ------------------------------------------------------------


def find_records(records: Iterable[Records], code: str) -> Records | None:
    return next((rec for rec in records if rec.enterprise.credit_code == code), None)


def issues_of(issues: Iterable[InputIssue], code: str) -> tuple[InputIssue, ...]:
    """The input issues that concern this enterprise (sheet-level notices concern none)."""
    return tuple(issue for issue in issues if issue.credit_code == code)


def explain_run(
    result: RunResult,
    prior: Mapping[str, tuple[PriorPayout, ...]],
    code: str,
    lang: Lang = "zh",
    later: Mapping[str, tuple[PriorPayout, ...]] | None = None,
) -> Explanation | None:
    """The explanation of enterprise ``code`` in a run; ``None`` when it is not among the computed enterprises.

    ``prior`` and ``later`` are the ledger's payouts by credit code for years before and after Y,
    as ``runner.read_inputs`` gives them."""
    rec = find_records(result.batch.records, code)
    if rec is None:
        return None
    explanation = explain(
        rec, result.batch.issues, result.year, result.rules, lang, prior.get(code, ()), (later or {}).get(code, ())
    )
    sources = Sources(
        rules_path=result.rules.path,
        rules_version=result.rules.version,
        rules_sha256=result.rules.sha256,
        input_path=result.input_path,
        input_sha256=result.input_sha256,
        ledger_path=None if result.ledger is None else result.ledger.path,
        prior_read=0 if result.ledger is None else result.ledger.prior_read,
    )
    return replace(explanation, sources=sources)


def explain(
    rec: Records,
    issues: Iterable[InputIssue],
    year: int,
    rules: Rules,
    lang: Lang = "zh",
    prior: tuple[PriorPayout, ...] = (),
    later: tuple[PriorPayout, ...] = (),
) -> Explanation:
    """The explanation of one enterprise: its lines computed as a batch of one, and their traces rendered."""
    code = rec.enterprise.credit_code
    lines = engine.compute([rec], year, rules, {code: prior} if prior else None, later={code: later} if later else None)
    if prior:
        rec = replace(rec, prior=prior)
    mine = issues_of(issues, code)
    measures = tuple(_measure(rec, line, rules, lang) for line in lines)
    total = sum(
        (line.amount for line in lines if line.status is Status.PAYABLE and line.amount is not None), Decimal("0.00")
    )
    counts = (
        (LEASES, len(rec.leases)),
        (DATA_LINES, len(rec.data_lines)),
        (SALES, len(rec.sales)),
        (LOANS, len(rec.loans)),
    )
    return Explanation(
        year=year,
        lang=lang,
        enterprise=rec.enterprise,
        facts=_facts(rec.enterprise, lang),
        record_counts=counts,
        prior=tuple(sorted(rec.prior, key=lambda p: (p.year, p.measure))),
        issues=mine,
        measures=measures,
        total_payable=total,
    )


# --- one measure: its line's trace, rendered -----------------------------------------------


def _measure(rec: Records, line: Line, rules: Rules, lang: Lang) -> MeasureExplanation:
    spec = rules.measures.get(line.measure)
    intervals, steps, rounding = _split_steps(line.basis.steps, lang)
    return MeasureExplanation(
        measure=line.measure,
        title=spec.title if spec is not None else "",
        clause=line.clause,
        notice_text=MEASURE_TEXT.get(line.measure, ""),
        stacking_text=STACKING_TEXT
        if line.measure in ENTITY_ONLY or line.measure in rules.excluded_by_micro_support
        else "",
        responsible=line.responsible,
        status=line.status,
        amount=line.amount,
        tier=line.tier,
        reason=render(line.reason, lang),
        conditions=tuple(Condition(*check_text(c, lang), c.met) for c in line.basis.checks),
        params=line.basis.params,
        intervals=intervals,
        steps=steps,
        caps=_caps(line, intervals, lang),
        prior=tuple(p for p in sorted(rec.prior, key=lambda p: p.year) if p.measure == line.measure),
        rounding=rounding,
        blocking=rec.blockers(SHEET_OF[line.measure]) if line.measure in SHEET_OF else (),
        basis_lines=tuple(basis_lines(line.basis, lang)),
    )


def _split_steps(steps: Sequence[Step], lang: Lang) -> tuple[tuple[Interval, ...], tuple[Step, ...], Rounding | None]:
    intervals: list[Interval] = []
    others: list[Step] = []
    exact = rounded = None
    for step in steps:
        if step.kind == EXACT:
            exact = text(step.get("amount"))
        elif step.kind == ROUNDED:
            rounded = fmt(step.get("amount"))  # type: ignore[arg-type]
        elif step.kind == "rent_interval":
            intervals.append(_interval(step))
        else:
            others.append(step)
    rounding = Rounding(exact, rounded) if exact is not None and rounded is not None else None
    return tuple(intervals), tuple(others), rounding


def _interval(step: Step) -> Interval:
    start, end = step.get("start"), step.get("end")
    assert isinstance(start, date) and isinstance(end, date)
    rows = step.get("rows")
    assert isinstance(rows, tuple)
    return Interval(
        start=start,
        end=end,
        days=int(step.get("days")),  # type: ignore[arg-type]
        lease_rows=",".join(str(r) for r in rows),
        rent=text(step.get("rent")),
        area_m2=text(step.get("area")),
        factor=text(step.get("factor")),
        rate=text(step.get("rate")),
        subsidy=text(step.get("subsidy")),
    )


def _caps(line: Line, intervals: Sequence[Interval], lang: Lang) -> tuple[Cap, ...]:
    caps: list[Cap] = []
    for param in line.basis.params:
        if param.name not in CAP_PARAMS:
            continue
        applied, detail = False, _w(lang, "未触及", "not reached")
        if param.name == rent.AREA_CAP.name:
            capped = [i for i in intervals if i.factor != "1"]
            if capped:
                applied = True
                spans = ", ".join(f"{i.start.isoformat()}–{i.end.isoformat()} ×{i.factor}" for i in capped)
                detail = _w(lang, f"面积超过上限，按比例计算：{spans}", f"area above the cap, rent scaled: {spans}")
        else:
            for step in line.basis.steps:
                if step.kind in CAP_STEPS:
                    applied, detail = True, step_text(step, lang)
            if line.reason.key == "loan_cap_reached":
                applied, detail = True, render(line.reason, lang)
        caps.append(Cap(param.name, param.value, param.effective, applied, detail))
    return tuple(caps)


# --- small helpers -----------------------------------------------------------------------


def _w(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# The enterprises columns of SPEC §3: (key, 中文表头).
ENTERPRISE_FIELDS: tuple[tuple[str, str], ...] = (
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("ecommerce_entity", "电子商务法人企业"),
    ("settled_on", "落户日期"),
    ("micro_support", "享受微企扶持"),
    ("hq_type", "机构类型"),
    ("renowned", "国内外知名企业"),
    ("city_key", "市重点培育"),
    ("demo_level", "示范企业级别"),
    ("spun_off", "特色传统企业分离设立"),
    ("operating_since", "开始运营日期"),
)


def _facts(ent: Enterprise, lang: Lang) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = []
    for key, _ in ENTERPRISE_FIELDS:
        value = getattr(ent, key)
        if isinstance(value, bool):
            shown = text(value, lang)
        elif isinstance(value, date):
            shown = value.isoformat()
        elif value is None:
            shown = ""
        else:
            shown = label(str(value), lang)
        facts.append((key, shown))
    facts.append(("row", _w(lang, f"企业信息（{ENTERPRISES}）表第 {ent.row} 行", f"{ENTERPRISES} row {ent.row}")))
    return tuple(facts)
