"""One enterprise's whole computation, measure by measure, as data (``tongnan-calc explain``).

Pure: built from the enterprise's records (with the prior payouts the ledger gave
for years before Y), the lines the engine computed for it, the batch's input
issues and the rule file.  Nothing here reads a file or prints.

For each measure the explanation holds the words of the notice it computes, every
condition checked with the value seen and its result, the rule-file values used
with the date each took effect, the rent intervals, the other steps, the caps, the
prior payouts, the one rounding, and the input issues that block it.  Its
``basis_lines`` are exactly the line's basis, the text of the payout workbook's
计算依据 column, so that the explanation and the workbook cannot disagree.

The conditions are read again from the records here (the measures return only
their verdict); ``tests/test_explain.py`` checks over the shipped example that
they agree with every line's status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongnan_calc.clerk.duties import MEASURE_TEXT, STACKING_TEXT
from tongnan_calc.core.dates import ONE_DAY, add_years, overlap_days, year_bounds
from tongnan_calc.core.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    Enterprise,
    InputIssue,
    Line,
    ParamUse,
    PriorPayout,
    Records,
    Status,
    Step,
)
from tongnan_calc.core.money import frac, show
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.rules import NoValueInForce, Rules
from tongnan_calc.core.say import Lang
from tongnan_calc.text.basis import step_text
from tongnan_calc.text.messages import LABELS, render

# The sheet each measure needs; an error in it for this enterprise blocks the measure.
SHEET_OF: Mapping[str, str] = {
    "rent": LEASES,
    "data_line": DATA_LINES,
    "sales_milestone": SALES,
    "loan_interest": LOANS,
}
SHEET_ZH: Mapping[str, str] = {
    ENTERPRISES: "企业信息",
    LEASES: "办公租赁",
    DATA_LINES: "数据专线",
    SALES: "年销售额",
    LOANS: "贷款",
}
# Measures that 二（七） reserves for e-commerce legal entities ("电子商务法人企业可享受以上（二）至（五）项").
ENTITY_ONLY = ("rent", "spin_off", "data_line", "sales_milestone")
# Parameters that cap an amount or a quantity.
CAP_PARAMS = ("area_cap_m2", "annual_cap", "enterprise_cap")

# Labels of the steps that ``measures.common.payable`` adds to every payable line.
EXACT_STEP = "exact amount"
ROUNDED_STEP = "rounded half up to 0.01"

_INTERVAL_LABEL = re.compile(r"^(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}) \((\d+) days\)$")
_INTERVAL_VALUE = re.compile(
    r"^lease rows (?P<rows>[^;]*); rent (?P<rent>[^;]+); area (?P<area>.+?) m², factor (?P<factor>[^;]+); "
    r"rate (?P<rate>[^;]+); subsidy (?P<subsidy>.+)$"
)


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
    basis_lines: tuple[str, ...]  # = Line.basis.lines(lang): the payout workbook's 计算依据 column


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
    result: RunResult, prior: Mapping[str, tuple[PriorPayout, ...]], code: str, lang: Lang = "zh"
) -> Explanation | None:
    """The explanation of enterprise ``code`` in a run; ``None`` when it is not among the computed enterprises.

    ``prior`` is the ledger's prior payouts by credit code, as ``runner.read_inputs`` gives them.
    """
    rec = find_records(result.batch.records, code)
    if rec is None:
        return None
    found = prior.get(code, ())
    lines = [line for line in result.lines if line.credit_code == code]
    explanation = explain(
        replace(rec, prior=found) if found else rec, lines, result.batch.issues, result.year, result.rules, lang
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
    rec: Records, lines: Sequence[Line], issues: Iterable[InputIssue], year: int, rules: Rules, lang: Lang = "zh"
) -> Explanation:
    """The explanation of one enterprise from its records (prior payouts attached) and its computed lines."""
    code = rec.enterprise.credit_code
    mine = issues_of(issues, code)
    measures = tuple(_measure(rec, line, year, rules, lang) for line in lines)
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


# --- one measure -------------------------------------------------------------------------


def _measure(rec: Records, line: Line, year: int, rules: Rules, lang: Lang) -> MeasureExplanation:
    spec = rules.measures.get(line.measure)
    intervals, steps, rounding = _split_steps(line.basis.steps)
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
        conditions=conditions(rec, line.measure, year, rules, lang),
        params=line.basis.params,
        intervals=intervals,
        steps=steps,
        caps=_caps(line, intervals, lang),
        prior=tuple(p for p in sorted(rec.prior, key=lambda p: p.year) if p.measure == line.measure),
        rounding=rounding,
        blocking=rec.blockers(SHEET_OF[line.measure]) if line.measure in SHEET_OF else (),
        basis_lines=tuple(line.basis.lines(lang)),
    )


def _split_steps(steps: Sequence[Step]) -> tuple[tuple[Interval, ...], tuple[Step, ...], Rounding | None]:
    intervals: list[Interval] = []
    others: list[Step] = []
    exact = rounded = None
    for step in steps:
        if step.label == EXACT_STEP:
            exact = step.value
            continue
        if step.label == ROUNDED_STEP:
            rounded = step.value
            continue
        interval = _interval(step)
        if interval is None:
            others.append(step)
        else:
            intervals.append(interval)
    rounding = Rounding(exact, rounded) if exact is not None and rounded is not None else None
    return tuple(intervals), tuple(others), rounding


def _interval(step: Step) -> Interval | None:
    label, value = _INTERVAL_LABEL.match(step.label), _INTERVAL_VALUE.match(step.value)
    if label is None or value is None:
        return None
    return Interval(
        start=date.fromisoformat(label.group(1)),
        end=date.fromisoformat(label.group(2)),
        days=int(label.group(3)),
        lease_rows=value["rows"],
        rent=value["rent"],
        area_m2=value["area"],
        factor=value["factor"],
        rate=value["rate"],
        subsidy=value["subsidy"],
    )


def _caps(line: Line, intervals: Sequence[Interval], lang: Lang) -> tuple[Cap, ...]:
    caps: list[Cap] = []
    for param in line.basis.params:
        if param.name not in CAP_PARAMS:
            continue
        applied, detail = False, _w(lang, "未触及", "not reached")
        if param.name == "area_cap_m2":
            capped = [i for i in intervals if i.factor != "1"]
            if capped:
                applied = True
                spans = ", ".join(f"{i.start.isoformat()}–{i.end.isoformat()} ×{i.factor}" for i in capped)
                detail = _w(lang, f"面积超过上限，按比例计算：{spans}", f"area above the cap, rent scaled: {spans}")
        else:
            for step in line.basis.steps:
                if step.label.startswith(("annual cap applied", "enterprise cap applied")):
                    applied, detail = True, step_text(step, lang)
            if line.reason.key == "loan_cap_reached":
                applied, detail = True, render(line.reason, lang)
        caps.append(Cap(param.name, param.value, param.effective, applied, detail))
    return tuple(caps)


# --- the conditions of each clause --------------------------------------------------------


def conditions(rec: Records, measure: str, year: int, rules: Rules, lang: Lang = "zh") -> tuple[Condition, ...]:
    """Every condition of ``measure``'s clause for this enterprise, in the order the measure checks them."""
    found: list[Condition] = []
    ent = rec.enterprise
    if measure in rules.excluded_by_micro_support:
        found.append(
            Condition(
                _w(lang, "未享受微企扶持（二（七））", "no micro-enterprise support (二（七）)"),
                _yes(ent.micro_support, lang),
                not ent.micro_support,
            )
        )
    if measure in ENTITY_ONLY:
        found.append(
            Condition(
                _w(lang, "电子商务法人企业（二（七））", "an e-commerce legal entity (二（七）)"),
                _yes(ent.ecommerce_entity, lang),
                ent.ecommerce_entity,
            )
        )
    builder = _BUILDERS.get(measure)
    if builder is not None:
        found.extend(builder(rec, year, rules, lang))
    return tuple(found)


def _blocking(rec: Records, sheet: str, lang: Lang) -> Condition:
    issues = rec.blockers(sheet)
    seen = (
        ("；" if lang == "zh" else "; ").join(issue.where(lang) for issue in issues)
        if issues
        else _w(lang, "无", "none")
    )
    text = _w(
        lang, f"{SHEET_ZH.get(sheet, sheet)}（{sheet}）表中本企业无输入错误", f"no input error for it in sheet {sheet}"
    )
    return Condition(text, seen, not issues)


def _key_support(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    ent = rec.enterprise
    hq_types = _param(rules, "key_support", "hq_types", date(year, 12, 31)) or ()
    hq = _label(ent.hq_type, lang) if ent.hq_type else _blank(lang)
    seen = _w(
        lang,
        f"机构类型 {hq}；国内外知名企业 {_yes(ent.renowned, lang)}；市重点培育 {_yes(ent.city_key, lang)}",
        f"hq_type {hq}; renowned {_yes(ent.renowned, lang)}; city_key {_yes(ent.city_key, lang)}",
    )
    met = (ent.hq_type in hq_types and ent.renowned) or ent.city_key
    return [
        Condition(
            _w(
                lang,
                "国内外知名电子商务企业在区内设立全国性总部、西部营运中心、区域性物流配送中心或结算中心，"
                "或为我市重点培育的电子商务企业",
                "a well-known e-commerce enterprise's national HQ, western operations, regional logistics or "
                "settlement centre, or an enterprise the city cultivates as key",
            ),
            seen,
            met,
        )
    ]


def _rent(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    settled = rec.enterprise.settled_on
    found = [
        Condition(
            _w(lang, f"新落户：落户日期不早于政策起始日 {rules.start}", f"newly settled: on or after {rules.start}"),
            settled.isoformat() if settled else _blank(lang),
            settled is not None and settled >= rules.start,
        )
    ]
    window: tuple[date, date] | None = None
    if settled is not None:
        second = add_years(settled, 2)
        start, stop = year_bounds(year)
        lo, hi = max(start, settled), min(stop, second)
        last = second - ONE_DAY
        seen = (
            _w(lang, f"补助期内的日子：{lo} 至 {hi - ONE_DAY}", f"subsidy days: {lo} to {hi - ONE_DAY}")
            if lo < hi
            else _w(lang, "无", "none")
        )
        found.append(
            Condition(
                _w(
                    lang,
                    f"{year}年在落户后前两年内（{settled} 至 {last}）",
                    f"{year} is within the first two years after settling ({settled} to {last})",
                ),
                seen,
                lo < hi,
            )
        )
        window = (lo, hi) if lo < hi else None
    else:
        found.append(
            Condition(_w(lang, f"{year}年在落户后前两年内", f"{year} within two years of settling"), "—", None)
        )
    found.append(_blocking(rec, LEASES, lang))
    planned = [lease for lease in rec.leases if lease.planned_building]
    others = len(rec.leases) - len(planned)
    if window is None:
        counted: list[Any] = []
        met: bool | None = None
    else:
        lo, hi = window
        counted = [lease for lease in planned if lease.period_start < hi and lease.period_end + ONE_DAY > lo]
        met = bool(counted)
    rows = ",".join(str(lease.row) for lease in counted) or "—"
    found.append(
        Condition(
            _w(
                lang,
                "租用规划商务楼宇作办公用房（补助期内的租期）",
                "rents a planned business building (in the window)",
            ),
            _w(
                lang,
                f"计入 {len(counted)} 行（行 {rows}）；非规划商务楼宇 {others} 行",
                f"{len(counted)} lease row(s) counted (rows {rows}); {others} not in a planned building",
            ),
            met,
        )
    )
    return found


def _spin_off(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    ent = rec.enterprise
    found = [
        Condition(
            _w(lang, "区内特色传统企业分离成立", "split off from a local characteristic traditional enterprise"),
            _yes(ent.spun_off, lang),
            ent.spun_off,
        )
    ]
    years = _param(rules, "spin_off", "min_operating_years", date(year, 12, 31))
    text = _w(
        lang, f"运行{years}年以上（满{years}年之日不晚于{year}-12-31）", f"operating {years} year(s) by {year}-12-31"
    )
    if ent.operating_since is None or years is None:
        found.append(Condition(text, _w(lang, "开始运营日期：空", "operating_since: blank"), False))
    else:
        on = add_years(ent.operating_since, int(years))
        found.append(
            Condition(
                text,
                _w(lang, f"开始运营 {ent.operating_since}，满{years}年之日 {on}", f"since {ent.operating_since}; {on}"),
                on <= date(year, 12, 31),
            )
        )
    paid = sorted(p.year for p in rec.prior if p.measure == "spin_off")
    found.append(
        Condition(
            _w(lang, "一次性奖励此前未发放", "the one-time reward was not paid before"),
            _w(lang, f"已于{paid[0]}年发放", f"paid for {paid[0]}") if paid else _w(lang, "未发放", "not paid"),
            not paid,
        )
    )
    return found


def _data_line(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    found = [_blocking(rec, DATA_LINES, lang)]
    start_year = rules.start.year
    starts = {d.year for d in rec.data_lines if d.fee_paid > 0 and d.year >= start_year}
    starts.update(p.year for p in rec.prior if p.measure == "data_line")
    first = min(starts) if starts else None
    found.append(
        Condition(
            _w(
                lang,
                f"租用数据专线：{start_year}年起有租赁费或已发放补贴的年份",
                f"a data line: a year from {start_year} with a fee or a payout",
            ),
            _w(lang, f"首年 {first}", f"first year {first}") if first else _w(lang, "无", "none"),
            first is not None,
        )
    )
    period = _param(rules, "data_line", "period_years", date(year, 12, 31))
    if first is None or period is None:
        found.append(Condition(_w(lang, f"{year}年在补贴期限内", f"{year} within the subsidy period"), "—", None))
    else:
        last = first + int(period) - 1
        found.append(
            Condition(
                _w(lang, f"{year}年在{period}年补贴期限内", f"{year} within the {period}-year subsidy period"),
                f"{first}—{last}",
                first <= year <= last,
            )
        )
    fee = sum((frac(d.fee_paid) for d in rec.data_lines if d.year == year), Fraction(0))
    found.append(
        Condition(_w(lang, f"{year}年实付租赁费大于零", f"a fee paid in {year}"), show(fee), fee > 0),
    )
    return found


def _sales_milestone(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    found = [_blocking(rec, SALES, lang)]
    this_year = [s for s in rec.sales if s.year == year]
    found.append(
        Condition(
            _w(lang, f"有{year}年销售额", f"sales on record for {year}"),
            show(this_year[0].sales) if this_year else _w(lang, "无", "none"),
            bool(this_year),
        )
    )
    tiers = _param(rules, "sales_milestone", "tiers", date(year, 12, 31)) or ()
    text = _w(
        lang,
        "年销售额首次突破某一档次（以前各年均未超过，该档及更高档未曾奖励）",
        "sales first cross a tier (no earlier year above it; it and higher tiers not yet rewarded)",
    )
    if not this_year:
        found.append(Condition(text, "—", None))
        return found
    sales = this_year[0].sales
    earlier = max((s.sales for s in rec.sales if s.year < year), default=None)
    paid_tier = max((p.tier for p in rec.prior if p.measure == "sales_milestone" and p.tier is not None), default=None)
    crossed = [
        t
        for t in tiers
        if sales > t.threshold
        and (earlier is None or earlier <= t.threshold)
        and (paid_tier is None or paid_tier < t.threshold)
    ]
    none = _w(lang, "无", "none")
    seen = _w(
        lang,
        f"以前最高 {show(earlier) if earlier is not None else none}；已奖励最高档 "
        f"{show(paid_tier) if paid_tier is not None else none}；本年首次突破 "
        f"{'、'.join(show(t.threshold) for t in crossed) or none}",
        f"highest earlier {show(earlier) if earlier is not None else none}; highest tier rewarded "
        f"{show(paid_tier) if paid_tier is not None else none}; first crossed now "
        f"{', '.join(show(t.threshold) for t in crossed) or none}",
    )
    found.append(Condition(text, seen, bool(crossed)))
    if crossed:
        tier = crossed[-1]
        found.append(
            Condition(
                _w(
                    lang,
                    f"规则文件定有 {show(tier.threshold)} 档奖励金额（不重复享受：只计最高档）",
                    f"the rule file sets the amount of tier {show(tier.threshold)} (only the highest tier counts)",
                ),
                "null" if tier.amount is None else show(tier.amount),
                tier.amount is not None,
            )
        )
    return found


def _levels(rec: Records, measure: str, year: int, rules: Rules, lang: Lang) -> Condition:
    levels = _param(rules, measure, "levels", date(year, 12, 31)) or ()
    if levels == "any":  # loan_interest.levels: any — every e-commerce enterprise, whatever its level
        level = rec.enterprise.demo_level
        return Condition(
            _w(lang, "任何电子商务企业（levels: any）", "any e-commerce enterprise (levels: any)"),
            _label(level, lang) if level else _blank(lang),
            True,
        )
    shown = "、".join(_label(level, lang) for level in levels)
    level = rec.enterprise.demo_level
    return Condition(
        _w(lang, f"{shown}电子商务示范企业", f"a {shown} e-commerce demonstration enterprise"),
        _label(level, lang) if level else _blank(lang),
        level in levels,
    )


def _demo_priority(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    return [_levels(rec, "demo_priority", year, rules, lang)]


def _loan_interest(rec: Records, year: int, rules: Rules, lang: Lang) -> list[Condition]:
    found = [_levels(rec, "loan_interest", year, rules, lang), _blocking(rec, LOANS, lang)]
    keys = [loan for loan in rec.loans if loan.key_project]
    ids = ", ".join(loan.loan_id for loan in keys) or "—"
    found.append(
        Condition(
            _w(lang, "重点建设项目贷款", "key construction project loans"),
            _w(
                lang,
                f"{len(keys)} 笔（{ids}）；非重点项目 {len(rec.loans) - len(keys)} 笔",
                f"{len(keys)} ({ids}); {len(rec.loans) - len(keys)} other loan(s)",
            ),
            bool(keys),
        )
    )
    start, stop = year_bounds(year)
    days = {loan.loan_id: overlap_days(loan.drawdown_date, loan.maturity_date, start, stop) for loan in keys}
    bearing = [loan for loan in keys if days[loan.loan_id] > 0]
    found.append(
        Condition(
            _w(lang, f"{year}年内有计息天数（到期日不计息）", f"interest days in {year} (not the maturity day)"),
            "; ".join(f"{loan_id}: {n}" for loan_id, n in days.items()) or "—",
            bool(bearing) if keys else None,
        )
    )
    missing = []
    for loan in bearing:
        try:
            bands, _ = rules.value("loan_interest", "benchmark_rates", loan.drawdown_date)
        except NoValueInForce:
            bands = None
        if bands is None:
            missing.append(loan.loan_id)
    found.append(
        Condition(
            _w(lang, "放款日有银行同期基准利率", "a benchmark rate in force on each drawdown date"),
            _w(lang, f"无基准利率：{', '.join(missing)}", f"none for {', '.join(missing)}")
            if missing
            else (_w(lang, "有", "yes") if bearing else "—"),
            not missing if bearing else None,
        )
    )
    cap = _param(rules, "loan_interest", "enterprise_cap", date(year, 12, 31))
    paid = sum((frac(p.amount) for p in rec.prior if p.measure == "loan_interest"), Fraction(0))
    found.append(
        Condition(
            _w(lang, f"以往贴息未达每个企业上限 {cap}", f"earlier subsidies below the enterprise cap {cap}"),
            _w(lang, f"以往已贴息 {show(paid)}", f"paid before {show(paid)}"),
            None if cap is None else paid < frac(cap),
        )
    )
    return found


_BUILDERS = {
    "key_support": _key_support,
    "rent": _rent,
    "spin_off": _spin_off,
    "data_line": _data_line,
    "sales_milestone": _sales_milestone,
    "demo_priority": _demo_priority,
    "loan_interest": _loan_interest,
}


# --- small helpers -----------------------------------------------------------------------


def _w(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _yes(value: bool, lang: Lang) -> str:
    return _w(lang, "是" if value else "否", "yes" if value else "no")


def _blank(lang: Lang) -> str:
    return _w(lang, "（空）", "(blank)")


def _label(value: str | None, lang: Lang) -> str:
    if value is None:
        return ""
    return LABELS[value][0 if lang == "zh" else 1] if value in LABELS else value


def _param(rules: Rules, measure: str, name: str, day: date) -> Any:
    try:
        value, _ = rules.value(measure, name, day)
    except (KeyError, NoValueInForce):
        return None
    return value


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
            shown = _yes(value, lang)
        elif isinstance(value, date):
            shown = value.isoformat()
        elif value is None:
            shown = ""
        else:
            shown = _label(str(value), lang)
        facts.append((key, shown))
    facts.append(("row", _w(lang, f"企业信息（{ENTERPRISES}）表第 {ent.row} 行", f"{ENTERPRISES} row {ent.row}")))
    return tuple(facts)
