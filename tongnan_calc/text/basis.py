"""The texts of a trace (计算依据): one catalog per kind of step and of check, in Chinese and English.

A measure returns its trace as data (``core.trace``: ``ParamUse``, ``Check``,
``Step``, each a kind and typed arguments); nothing in the core is text.  Here
each kind has its Chinese and English template (as ``messages`` has for reasons),
and the renderers every output uses:

- ``basis_lines(basis, lang)``: the basis as the payout workbook's 计算依据 column,
  the JSON ``basis`` and ``explain`` show it — one string a rule-file value, then
  one a step (the checks are shown by ``explain`` and ``rules test``);
- ``step_text``, ``param_text``, ``check_text``: one part of it.

An argument is shown by its type: a date as ISO, a number exactly (``money.show``:
the decimal itself, or 10 places and "…"), a boolean as 是/否 or yes/no, a
tuple joined with ", ".  A kind whose arguments need more (the rounded amount
with two decimals, a loan's band, the choice labels) has a ``prep`` that gives
those arguments' text.  No text is ever parsed back.

Rendering 85,000 payable lines stays cheap: a rule-file value's text is kept by
object (the measures share their ``ParamUse`` objects, made once per rule file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongnan_calc.core.measures import data_line, loan_interest, spin_off
from tongnan_calc.core.model import SHEET_NAMES_ZH
from tongnan_calc.core.money import fmt, show, show_ratio
from tongnan_calc.core.rules import ANY
from tongnan_calc.core.say import Lang
from tongnan_calc.core.trace import Args, Basis, Check, ParamUse, Step, Value
from tongnan_calc.text.messages import LABELS, LANGS

Prep = Callable[[dict[str, Value], Lang], dict[str, str]]


@dataclass(frozen=True)
class Tpl:
    """The Chinese and English template of a kind; ``prep`` gives the arguments that need more than their type."""

    zh: str
    en: str
    prep: Prep | None = None


@dataclass(frozen=True)
class CheckTpl:
    """A condition: what it requires and what was seen, each in Chinese and English."""

    zh: str
    en: str
    seen_zh: str
    seen_en: str
    prep: Prep | None = None


_FRACTIONS: dict[tuple[int, int], str] = {}
_FRACTIONS_KEPT = 1024  # 256 already hold 90 % of what 20,000 would (a 10,000-enterprise batch)


def _fraction(value: Fraction) -> str:
    """``money.show`` of a fraction, kept by its numerator and denominator: a basis shows the same factors,
    rates and areas over and over, and a line's subsidy again as its exact amount."""
    key = value.as_integer_ratio()
    found = _FRACTIONS.get(key)
    if found is None:
        if len(_FRACTIONS) >= _FRACTIONS_KEPT:
            _FRACTIONS.clear()
        found = _FRACTIONS[key] = show_ratio(*key)
    return found


class _Shown(dict[type, Callable[[Any], str]]):
    """How an argument of each type is shown in one language (``text``): by its exact type, a tuple's
    subclass as a tuple, any other type by ``str``."""

    def __init__(self, lang: Lang) -> None:
        yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
        blank = "（空）" if lang == "zh" else "(blank)"
        super().__init__(
            {
                int: str,
                Fraction: _fraction,
                Decimal: show,
                str: str,
                date: date.isoformat,
                bool: lambda value: yes if value else no,
                type(None): lambda _: blank,
                tuple: lambda value: ", ".join(text(v, lang) for v in value),
            }
        )
        self.lang = lang

    def __missing__(self, kind: type) -> Callable[[Any], str]:
        return self[tuple] if issubclass(kind, tuple) else str


_SHOWN = {lang: _Shown(lang) for lang in LANGS}


def text(value: Value, lang: Lang = "en") -> str:
    """One argument as shown: a date as ISO, a number exactly (``money.show``), a boolean as 是/否 or yes/no,
    a blank as （空） or (blank), a tuple's items joined with ", "."""
    return _SHOWN[lang][type(value)](value)


def label(value: Value, lang: Lang) -> str:
    """A choice value (hq_type, demo_level) in the reader's language."""
    if value is None:
        return text(None, lang)
    shown = str(value)
    return LABELS[shown][0 if lang == "zh" else 1] if shown in LABELS else shown


def _seq(value: Value) -> tuple[Value, ...]:
    assert isinstance(value, tuple), value
    return value


def _w(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _money(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {"amount": fmt(a["amount"])}  # type: ignore[arg-type]


def _rows(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {"rows": ",".join(str(r) for r in _seq(a["rows"]))}


def _band(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    top = a["max_months"]
    if top is None:
        return {"band": _w(lang, "更长期限", "longer")}
    return {"band": _w(lang, f"≤{top}个月", f"≤ {top} months")}


def _loan_subsidy(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    paid = a["paid"]
    if paid is None:
        return {"less": ""}
    return {"less": _w(lang, f"；实付利息{text(paid)}较少，以实付利息为准", f"; interest paid {text(paid)} is less")}


STEPS: dict[str, Tpl] = {
    # every payable line (measures.common.payable)
    "exact": Tpl("精确金额：{amount}", "exact amount: {amount}"),
    "rounded": Tpl("四舍五入至0.01元：{amount}", "rounded half up to 0.01: {amount}", _money),
    # rent
    "settled_on": Tpl("落户日期：{settled}", "settled_on: {settled}"),
    "rent_window": Tpl("本年度补助期间：{start}至{end}", "subsidy days this year: {start} to {end}"),
    "rent_interval": Tpl(
        "{start}至{end}（{days}天）：租赁第{rows}行；租金{rent}；面积{area}平方米，折算系数{factor}；"
        "比例{rate}；补助{subsidy}",
        "{start} to {end} ({days} days): lease rows {rows}; rent {rent}; area {area} m², factor {factor}; "
        "rate {rate}; subsidy {subsidy}",
        _rows,
    ),
    # rent: an interval after the measure ended (``enabled: null`` or an ``end:`` date)
    "rent_ended": Tpl("{start}至{end}：自{on}起终止（{by}）", "{start} to {end}: ended on {on} ({by})"),
    # data_line
    "data_line_period": Tpl("补贴期限：{first}年至{last}年", "subsidy period: {first} to {last}"),
    "data_line_fee": Tpl("本年度已付专线租赁费用（F）：{fee}", "fees paid this year (F): {fee}"),
    "data_line_share": Tpl("补贴比例 × F：{share}", "rate × F: {share}"),
    # the step that says the parameter capped the amount has its name
    data_line.ANNUAL_CAP.name: Tpl("适用年度补贴上限：{cap}", "annual cap applied: {cap}"),
    # spin_off
    "spin_off_on": Tpl("运行满一年之日：{on}", "operating one full year on: {on}"),
    # sales_milestone
    "sales": Tpl("{year}年销售额：{sales}", "sales {year}: {sales}"),
    "sales_earlier": Tpl("以往年度最高销售额：{sales}", "highest sales in an earlier year: {sales}"),
    "sales_paid_tier": Tpl("已发放的最高档次：{tier}", "highest tier already paid: {tier}"),
    "sales_crossed": Tpl("本年度首次突破的档次：{tiers}", "tiers first crossed this year: {tiers}"),
    "sales_top_up": Tpl(
        "扣减以往已发放的突破奖励（top_up）：{amount}", "earlier milestone rewards deducted (top_up): {amount}"
    ),
    # loan_interest
    "loan_no_days": Tpl("贷款 {loan}：{year}年无计息天数", "loan {loan}: no interest days in {year}"),
    "loan_before_table": Tpl(
        "贷款 {loan}：{drawn}放款，早于规则文件中最早的基准利率表",
        "loan {loan}: drawn {drawn}, before the first benchmark table of the rule file",
    ),
    "loan_withdrawn": Tpl(
        "贷款 {loan}：{drawn}无有效的银行同期基准利率（已停止公布）",
        "loan {loan}: no benchmark rate in force on {drawn} (withdrawn)",
    ),
    "loan_term": Tpl(
        "贷款 {loan} 期限及基准利率：{months}个月，期限档次{band}：{rate_percent}%",
        "loan {loan} term: {months} months, band {band}: {rate_percent}%",
        _band,
    ),
    "loan_subsidy": Tpl(
        "贷款 {loan} 贴息：{principal} × {rate} × {days}/{day_count} = {interest}{less}；× {share} = {subsidy}",
        "loan {loan} subsidy: {principal} × {rate} × {days}/{day_count} = {interest}{less}; × {share} = {subsidy}",
        _loan_subsidy,
    ),
    "loan_so_far": Tpl("其余贷款已算得的贴息：{amount}", "computed so far for the other loans: {amount}"),
    "loan_total": Tpl("未计上限的贴息合计：{amount}", "subsidy before the cap: {amount}"),
    "loan_prior": Tpl("以往年度已发放贴息：{amount}", "paid in earlier years: {amount}"),
    loan_interest.ENTERPRISE_CAP.name: Tpl(
        "适用每个企业贴息上限（上限减以往已发放）：{amount}",
        "enterprise cap applied: cap less earlier payouts: {amount}",
    ),
    # engine: a later year is already in the ledger
    "held_recorded": Tpl(
        "本次计得的金额（已记录，不再发放）：{amount}",
        "amount computed now (recorded already, not paid again): {amount}",
        _money,
    ),
    "held_later": Tpl(
        "仅依据以往年度发放记录计得的金额（暂不发放）：{amount}",
        "amount from the payouts of earlier years only (not paid): {amount}",
        _money,
    ),
}
"""Every kind of step a measure makes, with its Chinese and English text."""


def _yesno(*names: str) -> Prep:
    def prep(a: dict[str, Value], lang: Lang) -> dict[str, str]:
        return {name: text(bool(a[name]), lang) for name in names}

    return prep


def _sheet(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    sheet = str(a["sheet"])
    where = a["where_zh"] if lang == "zh" else a["where_en"]
    return {
        "sheet_zh": SHEET_NAMES_ZH.get(sheet, sheet),
        "where": _w(lang, "无", "none") if where is None else str(where),
    }


def _rent_window(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    if a["start"] is None:
        return {"seen": _w(lang, "无", "none")}
    return {
        "seen": _w(
            lang,
            f"补助期内的日子：{text(a['start'])} 至 {text(a['end'])}",
            f"subsidy days: {text(a['start'])} to {text(a['end'])}",
        )
    }


def _rent_leases(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    rows = _seq(a["rows"])
    return {"count": str(len(rows)), "rows": ",".join(str(r) for r in rows) or "—"}


def _none_or(*names: str) -> Prep:
    def prep(a: dict[str, Value], lang: Lang) -> dict[str, str]:
        return {name: _w(lang, "无", "none") if a[name] is None else text(a[name], lang) for name in names}

    return prep


def _key_support(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {
        "hq": label(a["hq"], lang),
        "renowned": text(bool(a["renowned"]), lang),
        "city_key": text(bool(a["city_key"]), lang),
    }


def _levels(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {"levels": "、".join(label(v, lang) for v in _seq(a["levels"])), "level": label(a["level"], lang)}


def _level(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {"level": label(a["level"], lang)}


def _sales_crossed(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    none = _w(lang, "无", "none")
    crossed = _seq(a["crossed"])
    return {
        "earlier": none if a["earlier"] is None else text(a["earlier"]),
        "paid": none if a["paid"] is None else text(a["paid"]),
        "crossed": _w(lang, "、", ", ").join(text(t) for t in crossed) or none,
    }


def _tier_amount(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    return {"amount": _w(lang, "未定", "null") if a["amount"] is None else text(a["amount"])}


def _spin_off_years(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    if a["since"] is None:
        return {"seen": _w(lang, "开始运营日期：空", "operating_since: blank")}
    since, on, years = text(a["since"]), text(a["on"]), text(a["years"])
    return {"seen": _w(lang, f"开始运营 {since}，满{years}年之日 {on}", f"since {since}; {on}")}


def _spin_off_paid(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    paid = a["paid"]
    return {
        "seen": _w(lang, "未发放", "not paid") if paid is None else _w(lang, f"已于{paid}年发放", f"paid for {paid}")
    }


def _loans(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    keys = _seq(a["loans"])
    return {"count": str(len(keys)), "ids": ", ".join(str(k) for k in keys) or "—"}


def _loan_days(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    pairs = zip(_seq(a["loans"]), _seq(a["days"]), strict=True)
    return {"seen": "; ".join(f"{loan_id}: {n}" for loan_id, n in pairs) or "—"}


def _benchmark(a: dict[str, Value], lang: Lang) -> dict[str, str]:
    missing = _seq(a["missing"])
    if missing:
        ids = ", ".join(str(m) for m in missing)
        return {"seen": _w(lang, f"无基准利率：{ids}", f"none for {ids}")}
    return {"seen": _w(lang, "有", "yes")}


CHECKS: dict[str, CheckTpl] = {
    # 二（七）
    "micro_support": CheckTpl(
        "未享受微企扶持（二（七））", "no micro-enterprise support (二（七）)", "{micro}", "{micro}", _yesno("micro")
    ),
    "ecommerce_entity": CheckTpl(
        "电子商务法人企业（二（七））",
        "an e-commerce legal entity (二（七）)",
        "{entity}",
        "{entity}",
        _yesno("entity"),
    ),
    # a measure the rule file ends (``enabled: null``, ``end:``, ``policy.end``)
    "in_force": CheckTpl(
        "本项政策在本年度有效", "the measure is in force in the year", "自{on}起终止（{by}）", "ended on {on} ({by})"
    ),
    # an input error of this enterprise in the sheet the measure needs blocks it
    "no_input_error": CheckTpl(
        "{sheet_zh}（{sheet}）表中本企业无输入错误",
        "no input error for it in sheet {sheet}",
        "{where}",
        "{where}",
        _sheet,
    ),
    # rent
    "rent_settled": CheckTpl(
        "新落户：落户日期不早于政策起始日 {start}", "newly settled: on or after {start}", "{settled}", "{settled}"
    ),
    "rent_window": CheckTpl(
        "{year}年在落户后前两年内（{settled} 至 {last}）",
        "{year} is within the first two years after settling ({settled} to {last})",
        "{seen}",
        "{seen}",
        _rent_window,
    ),
    "rent_leases": CheckTpl(
        "租用规划商务楼宇作办公用房（补助期内的租期）",
        "rents a planned business building (in the window)",
        "计入 {count} 行（行 {rows}）；非规划商务楼宇 {others} 行",
        "{count} lease row(s) counted (rows {rows}); {others} not in a planned building",
        _rent_leases,
    ),
    # key_support
    "key_support": CheckTpl(
        "国内外知名电子商务企业在区内设立全国性总部、西部营运中心、区域性物流配送中心或结算中心，"
        "或为我市重点培育的电子商务企业",
        "a well-known e-commerce enterprise's national HQ, western operations, regional logistics or "
        "settlement centre, or an enterprise the city cultivates as key",
        "机构类型 {hq}；国内外知名企业 {renowned}；市重点培育 {city_key}",
        "hq_type {hq}; renowned {renowned}; city_key {city_key}",
        _key_support,
    ),
    # demo_priority, loan_interest
    "demo_level": CheckTpl(
        "{levels}电子商务示范企业", "a {levels} e-commerce demonstration enterprise", "{level}", "{level}", _levels
    ),
    "any_level": CheckTpl(
        f"任何电子商务企业（{loan_interest.LEVELS.name}: {ANY}）",
        f"any e-commerce enterprise ({loan_interest.LEVELS.name}: {ANY})",
        "{level}",
        "{level}",
        _level,
    ),
    # spin_off
    "spun_off": CheckTpl(
        "区内特色传统企业分离成立",
        "split off from a local characteristic traditional enterprise",
        "{spun_off}",
        "{spun_off}",
        _yesno("spun_off"),
    ),
    "spin_off_years": CheckTpl(
        "运行{years}年以上（满{years}年之日不晚于{year}-12-31）",
        "operating {years} year(s) by {year}-12-31",
        "{seen}",
        "{seen}",
        _spin_off_years,
    ),
    "spin_off_established": CheckTpl(
        f"开始运营日期不早于 {{since}}（{spin_off.ESTABLISHED_FROM.name}）",
        f"operating since {{since}} or later ({spin_off.ESTABLISHED_FROM.name})",
        "{operating}",
        "{operating}",
    ),
    "spin_off_not_paid": CheckTpl(
        "一次性奖励此前未发放", "the one-time reward was not paid before", "{seen}", "{seen}", _spin_off_paid
    ),
    # data_line
    "data_line_first": CheckTpl(
        "租用数据专线：{start_year}年起有租赁费或已发放补贴的年份",
        "a data line: a year from {start_year} with a fee or a payout",
        "首年 {first}",
        "first year {first}",
        _none_or("first"),
    ),
    "data_line_period": CheckTpl(
        "{year}年在{period}年补贴期限内",
        "{year} within the {period}-year subsidy period",
        "{first}—{last}",
        "{first}—{last}",
    ),
    "data_line_fee": CheckTpl("{year}年实付租赁费大于零", "a fee paid in {year}", "{fee}", "{fee}"),
    # sales_milestone
    "sales_on_record": CheckTpl(
        "有{year}年销售额", "sales on record for {year}", "{sales}", "{sales}", _none_or("sales")
    ),
    "sales_crossed": CheckTpl(
        "年销售额首次突破某一档次（以前各年均未超过，该档及更高档未曾奖励）",
        "sales first cross a tier (no earlier year above it; it and higher tiers not yet rewarded)",
        "以前最高 {earlier}；已奖励最高档 {paid}；本年首次突破 {crossed}",
        "highest earlier {earlier}; highest tier rewarded {paid}; first crossed now {crossed}",
        _sales_crossed,
    ),
    "sales_tier_amount": CheckTpl(
        "规则文件定有 {tier} 档奖励金额（不重复享受：只计最高档）",
        "the rule file sets the amount of tier {tier} (only the highest tier counts)",
        "{amount}",
        "{amount}",
        _tier_amount,
    ),
    # loan_interest
    "loan_key_project": CheckTpl(
        "重点建设项目贷款",
        "key construction project loans",
        "{count} 笔（{ids}）；非重点项目 {others} 笔",
        "{count} ({ids}); {others} other loan(s)",
        _loans,
    ),
    "loan_days": CheckTpl(
        "{year}年内有计息天数（到期日不计息）",
        "interest days in {year} (not the maturity day)",
        "{seen}",
        "{seen}",
        _loan_days,
    ),
    "loan_benchmark": CheckTpl(
        "放款日有银行同期基准利率", "a benchmark rate in force on each drawdown date", "{seen}", "{seen}", _benchmark
    ),
    "loan_cap": CheckTpl(
        "以往贴息未达每个企业上限 {cap}",
        "earlier subsidies below the enterprise cap {cap}",
        "以往已贴息 {paid}",
        "paid before {paid}",
    ),
    # every computed amount (common.payable)
    "amount_above_zero": CheckTpl("金额大于0.00元", "an amount above 0.00", "{amount}", "{amount}", _money),
    # engine: Y itself is already in the ledger
    "not_recorded_this_year": CheckTpl(
        "台账中无本项{year}年度的发放",
        "no payout of this measure for {year} in the ledger",
        "{amount}",
        "{amount}",
        _money,
    ),
    # engine: a later year is already in the ledger
    "no_later_payout": CheckTpl(
        "台账中无本项晚于本年度的发放", "no payout of this measure for a later year in the ledger", "{years}", "{years}"
    ),
}
"""Every kind of condition a measure checks: what it requires and what was seen."""


def _args(args: Args, prep: Prep | None, lang: Lang) -> dict[str, str]:
    table = _SHOWN[lang]
    if prep is None:
        return {key: table[type(value)](value) for key, value in args}
    given = prep(dict(args), lang)  # what its type alone does not show, shown by the kind's own rule
    shown = {key: table[type(value)](value) for key, value in args if key not in given}
    shown.update(given)
    return shown


def step_text(step: Step, lang: Lang = "en") -> str:
    """One step as the basis shows it in ``lang``."""
    tpl = STEPS[step.kind]
    if tpl.prep is None:  # most steps: each argument shown by its type
        table = _SHOWN[lang]
        shown = {key: table[type(value)](value) for key, value in step.args}
        return (tpl.zh if lang == "zh" else tpl.en).format_map(shown)
    return (tpl.zh if lang == "zh" else tpl.en).format_map(_args(step.args, tpl.prep, lang))


def check_text(check: Check, lang: Lang = "en") -> tuple[str, str]:
    """A condition: (what it requires, what was seen) in ``lang``."""
    tpl = CHECKS[check.kind]
    args = _args(check.args, tpl.prep, lang)
    if lang == "zh":
        return tpl.zh.format_map(args), tpl.seen_zh.format_map(args)
    return tpl.en.format_map(args), tpl.seen_en.format_map(args)


MET_MARK: dict[bool | None, str] = {True: "✓", False: "✗", None: "—"}


def check_line(check: Check, lang: Lang = "en") -> str:
    """A condition on one line: ``requirement: seen ✓``."""
    required, seen = check_text(check, lang)
    return f"{required}{'：' if lang == 'zh' else ': '}{seen} {MET_MARK[check.met]}"


_CACHE_MAX = 4096
_params: dict[tuple[int, Lang], tuple[ParamUse, str]] = {}


def param_value(p: ParamUse, lang: Lang = "en") -> str:
    """A value as the basis and ``explain`` show it: the benchmark-rate table by its name in Chinese."""
    return "基准利率表" if lang == "zh" and p.value == "table" else p.value


def param_text(p: ParamUse, lang: Lang = "en") -> str:
    """``rates = [0.6, 0.3]（二（二），自2015-01-01起施行）``; in English ``(二（二）, in force from 2015-01-01)``."""
    # the measures share their ParamUse objects (made once per rule file): kept by id, the entry
    # holding the object so that its id is not reused while the entry exists
    key = (id(p), lang)
    found = _params.get(key)
    if found is None or found[0] is not p:
        on = p.effective.isoformat()
        if lang == "zh":
            shown = f"{p.name} = {param_value(p, lang)}（{p.clause}，自{on}起施行"
            shown += f"；依据：{p.reference}）" if p.reference else "）"
        else:
            shown = f"{p.name} = {p.value} ({p.clause}, in force from {on}"
            shown += f"; source: {p.reference})" if p.reference else ")"
        if len(_params) >= _CACHE_MAX:
            _params.clear()
        found = _params[key] = (p, shown)
    return found[1]


def basis_lines(basis: Basis, lang: Lang = "en") -> list[str]:
    """The basis as shown (计算依据): one string a rule-file value, then one a step."""
    out = [param_text(p, lang) for p in basis.params]
    out.extend(step_text(s, lang) for s in basis.steps)
    return out


def basis_text(basis: Basis, lang: Lang = "en") -> str:
    """The basis on one line."""
    return ("；" if lang == "zh" else "; ").join(basis_lines(basis, lang))
