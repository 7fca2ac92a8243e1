"""The basis (计算依据) in Chinese: a translation of the English steps, made at render time.

The measures build their basis in English (``Uses.step(label, value)``: a label and
a value, in the hot path of 700,000 lines); nothing is translated there.  When a
basis is shown in Chinese (``Basis.lines("zh")``), each rule-file value becomes

    rates = [0.6, 0.3]（二（二），自2015-01-01起施行）

and each step ``label: value`` becomes ``标签：值``: the fixed labels through
``LABELS_ZH``, the patterned ones (``sales 2016``, ``2016-01-01 to 2016-06-30 (182
days)``, ``loan L1 term`` …) through ``PATTERNS``, and the values that hold
English words (date ranges, the rent interval, a loan's term and subsidy) through
a value translator named by the label.  Parameter names, measure ids, dates and
numbers stay as they are (the one word among the values, ``table`` for the
benchmark rates, is shown as 基准利率表).  A label nothing here knows is shown in
English (never an error); a known label with a value of an unexpected form keeps
that value.  ``tests/test_basis_lang.py`` finds every step label made in the
package and checks each has a Chinese rendering.

Rendering 85,000 payable lines stays cheap: the translations of labels, of
rule-file values and of values that repeat (date ranges, loan terms) are kept in
bounded dictionaries, so each is worked out once; a value without words (a
number, a date) is used as it is, and a rent interval's or loan subsidy's value
(exact amounts, hardly ever the same twice) goes through one compiled pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model imports this module: no import of model at run time
    from tongnan_calc.core.model import ParamUse, Step

ValueZh = Callable[[str], str]

_DATE = r"\d{4}-\d{2}-\d{2}"
_RANGE = re.compile(rf"^({_DATE}) to ({_DATE})$")
_YEARS = re.compile(r"^(\d{4}) to (\d{4})$")
_INTERVAL_VALUE = re.compile(
    r"^lease rows (?P<rows>[^;]*); rent (?P<rent>[^;]+); area (?P<area>.+?) m², factor (?P<factor>[^;]+); "
    r"rate (?P<rate>[^;]+); subsidy (?P<subsidy>.+)$"
)
_TERM = re.compile(r"^(\d+) months, band (?:(longer)|≤ (\d+) months): (.+)%$")
_SUBSIDY = re.compile(r"^(.+? = [^;]+?)(?:; interest paid ([^;]+) is less)?; × (\S+) = (.+)$")
_NO_DAYS = re.compile(r"^no interest days in (\d{4})$")
_BEFORE_TABLE = re.compile(rf"^drawn ({_DATE}), before the first benchmark table of the rule file$")
_WITHDRAWN = re.compile(rf"^no benchmark rate in force on ({_DATE}) \(withdrawn\)$")


def _date_range(value: str) -> str:
    """``2016-01-01 to 2016-12-31`` → ``2016-01-01至2016-12-31``."""
    m = _RANGE.match(value)
    return f"{m[1]}至{m[2]}" if m else value


def _year_range(value: str) -> str:
    """``2016 to 2017`` → ``2016年至2017年``."""
    m = _YEARS.match(value)
    return f"{m[1]}年至{m[2]}年" if m else value


def _interval(value: str) -> str:
    """The rent of one interval: the lease rows, rent, area, area factor, rate and subsidy."""
    m = _INTERVAL_VALUE.match(value)
    if m is None:
        return value
    return (
        f"租赁第{m['rows']}行；租金{m['rent']}；面积{m['area']}平方米，折算系数{m['factor']}；"
        f"比例{m['rate']}；补助{m['subsidy']}"
    )


def _term(value: str) -> str:
    """``36 months, band ≤ 36 months: 5.4%`` → ``36个月，期限档次≤36个月：5.4%``."""
    m = _TERM.match(value)
    if m is None:
        return value
    band = "更长期限" if m[2] else f"≤{m[3]}个月"
    return f"{m[1]}个月，期限档次{band}：{m[4]}%"


def _subsidy(value: str) -> str:
    """``P × r × D/day_count = I[; interest paid Y is less]; × share = S``."""
    m = _SUBSIDY.match(value)
    if m is None:
        return value
    paid = "" if m[2] is None else f"；实付利息{m[2]}较少，以实付利息为准"
    return f"{m[1]}{paid}；× {m[3]} = {m[4]}"


def _loan(value: str) -> str:
    """Why a loan adds nothing (no interest days, no benchmark rate)."""
    m = _NO_DAYS.match(value)
    if m is not None:
        return f"{m[1]}年无计息天数"
    m = _BEFORE_TABLE.match(value)
    if m is not None:
        return f"{m[1]}放款，早于规则文件中最早的基准利率表"
    m = _WITHDRAWN.match(value)
    if m is not None:
        return f"{m[1]}无有效的银行同期基准利率（已停止公布）"
    return value


_ENDED = re.compile(rf"^ended on ({_DATE}) \((.+)\)$")


def _ended(value: str) -> str:
    """``ended on 2018-01-01 (rent.enabled)``."""
    m = _ENDED.match(value)
    return value if m is None else f"自{m[1]}起终止（{m[2]}）"


LABELS_ZH: dict[str, tuple[str, ValueZh | None]] = {
    # every payable line (measures.common.payable)
    "exact amount": ("精确金额", None),
    "rounded half up to 0.01": ("四舍五入至0.01元", None),
    # rent
    "settled_on": ("落户日期", None),
    "subsidy days this year": ("本年度补助期间", _date_range),
    # data_line
    "subsidy period": ("补贴期限", _year_range),
    "fees paid this year (F)": ("本年度已付专线租赁费用（F）", None),
    "rate × F": ("补贴比例 × F", None),
    "annual cap applied": ("适用年度补贴上限", None),
    # spin_off
    "operating one full year on": ("运行满一年之日", None),
    # sales_milestone
    "highest sales in an earlier year": ("以往年度最高销售额", None),
    "highest tier already paid": ("已发放的最高档次", None),
    "tiers first crossed this year": ("本年度首次突破的档次", None),
    "earlier milestone rewards deducted (top_up)": ("扣减以往已发放的突破奖励（top_up）", None),
    # loan_interest
    "computed so far for the other loans": ("其余贷款已算得的贴息", None),
    "subsidy before the cap": ("未计上限的贴息合计", None),
    "paid in earlier years": ("以往年度已发放贴息", None),
    "enterprise cap applied: cap less earlier payouts": ("适用每个企业贴息上限（上限减以往已发放）", None),
    # engine: a later year is already in the ledger
    "amount from the payouts of earlier years only (not paid)": ("仅依据以往年度发放记录计得的金额（暂不发放）", None),
}
"""The fixed step labels: the Chinese label, and the translator of its value (``None``: shown as it is)."""

PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str], ValueZh | None], ...] = (
    # rent: one interval on which nothing changes
    (
        re.compile(rf"^({_DATE}) to ({_DATE}) \((\d+) days\)$"),
        lambda m: f"{m[1]}至{m[2]}（{m[3]}天）",
        _interval,
    ),
    # rent: an interval after the measure ended (``enabled: null`` or an ``end:`` date)
    (re.compile(rf"^({_DATE}) to ({_DATE})$"), lambda m: f"{m[1]}至{m[2]}", _ended),
    # sales_milestone
    (re.compile(r"^sales (\d{4})$"), lambda m: f"{m[1]}年销售额", None),
    # loan_interest (the loan id is anything the workbook holds: the longest forms first)
    (re.compile(r"^loan (.+) subsidy$"), lambda m: f"贷款 {m[1]} 贴息", _subsidy),
    (re.compile(r"^loan (.+) term$"), lambda m: f"贷款 {m[1]} 期限及基准利率", _term),
    (re.compile(r"^loan (.+)$"), lambda m: f"贷款 {m[1]}", _loan),
)
"""The patterned step labels: the pattern, its Chinese label, and the translator of its value."""

_CACHE_MAX = 4096
_labels: dict[str, tuple[str, ValueZh | None] | None] = {}
_params: dict[int, tuple[ParamUse, str]] = {}
# The values worth keeping, by their translator: those that repeat from line to line (dates, loan
# terms).  A rent interval's or a loan subsidy's value holds exact amounts, hardly ever the same
# twice: it is translated each time.
_values: dict[ValueZh, dict[str, str]] = {translate: {} for translate in (_date_range, _year_range, _term, _loan)}


def label_zh(label: str) -> tuple[str, ValueZh | None] | None:
    """The Chinese label and the value's translator; ``None`` when the label is not known."""
    found = LABELS_ZH.get(label)
    if found is not None:
        return found
    if label in _labels:
        return _labels[label]
    for pattern, render, value in PATTERNS:
        m = pattern.match(label)
        if m is not None:
            found = (render(m), value)
            break
    if len(_labels) >= _CACHE_MAX:
        _labels.clear()
    _labels[label] = found
    return found


def step_zh(label: str, value: str) -> str:
    """One step in Chinese: ``标签：值``; the English ``label: value`` when the label is not known."""
    found = label_zh(label)
    if found is None:
        return f"{label}: {value}"
    zh, translate = found
    if translate is None:
        return f"{zh}：{value}"
    known = _values.get(translate)
    if known is None:
        return f"{zh}：{translate(value)}"
    text = known.get(value)
    if text is None:
        text = translate(value)
        if len(known) >= _CACHE_MAX:
            known.clear()
        known[value] = text
    return f"{zh}：{text}"


def step_text(step: Step, lang: str = "en") -> str:
    """One step as the basis shows it in ``lang``."""
    return step_zh(step.label, step.value) if lang == "zh" else f"{step.label}: {step.value}"


def param_zh(p: ParamUse) -> str:
    """``rates = [0.6, 0.3]（二（二），自2015-01-01起施行）``."""
    # the measures share their ParamUse objects (made once per rule file): kept by id, the entry
    # holding the object so that its id is not reused while the entry exists
    found = _params.get(id(p))
    if found is None or found[0] is not p:
        value = "基准利率表" if p.value == "table" else p.value
        text = f"{p.name} = {value}（{p.clause}，自{p.effective.isoformat()}起施行）"
        if len(_params) >= _CACHE_MAX:
            _params.clear()
        found = _params[id(p)] = (p, text)
    return found[1]


def lines_zh(params: Iterable[ParamUse], steps: Iterable[Step]) -> list[str]:
    out = [param_zh(p) for p in params]
    out.extend(step_zh(s.label, s.value) for s in steps)
    return out
