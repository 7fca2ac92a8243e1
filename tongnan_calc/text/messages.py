"""The words shown to clerks: each reason in Chinese (the default) and English.

A measure returns a ``Msg`` (a key and its arguments); the shell renders it in the
language asked for.  Ineligible reasons name the clause that excludes the line.
"""

from __future__ import annotations

from tongnan_calc.core.measures import spin_off
from tongnan_calc.core.model import Msg
from tongnan_calc.core.say import Lang

LANGS: tuple[Lang, ...] = ("zh", "en")

_ESTABLISHED_FROM = f"{spin_off.MEASURE}.{spin_off.ESTABLISHED_FROM.name}"  # the rule-file key a reason names

CATALOG: dict[str, tuple[str, str]] = {
    "not_ecommerce_entity": (
        "不是电子商务法人企业（二（七））",
        "not an e-commerce legal entity (二（七）)",
    ),
    "micro_support": (
        "享受微企扶持的不再享受本项政策（二（七））",
        "enjoys micro-enterprise support, which excludes this measure (二（七）)",
    ),
    "measure_ended": (
        "本项政策自{end}起停止执行（规则文件 {by}）（{clause}）",
        "the measure ends on {end} (rule file {by}): not in force from that day ({clause})",
    ),
    "blocked": ("输入有误，无法计算：{where_zh}", "input errors prevent the computation: {where_en}"),
    "rent_not_settled": (
        "无落户日期，不属新落户企业（二（二））",
        "no settling date (落户日期): not a newly settled enterprise (二（二）)",
    ),
    "rent_settled_before_start": (
        "{settled}落户，早于政策起始日{start}，不属新落户（二（二））",
        "settled on {settled}, before the policy start {start}: not newly settled (二（二）)",
    ),
    "rent_outside_period": (
        "{year}年不在落户（{settled}）后前两年内（至{last}）（二（二））",
        "{year} is not within the first two years after settling on {settled} (to {last}) (二（二）)",
    ),
    "rent_no_lease": (
        "{start}至{end}无租用规划商务楼宇的记录（二（二））",
        "no lease in a planned business building from {start} to {end} (二（二）)",
    ),
    "rent_payable": ("租金补助：{start}至{end}", "rent subsidy for {start} to {end}"),
    "spin_off_not_spun_off": (
        "非特色传统企业分离设立（二（三））",
        "not split off from a local characteristic traditional enterprise (二（三）)",
    ),
    "spin_off_no_operating_date": (
        "无开始运营日期（二（三））",
        "no operating start date (开始运营日期) (二（三）)",
    ),
    "spin_off_too_early": (
        "运行满{years}年之日为{date}，晚于本年末（二（三））",
        "operating {years} year(s) only on {date}, after the end of the year (二（三）)",
    ),
    "spin_off_before": (
        f"{{operating}}开始运营，早于规则文件 {_ESTABLISHED_FROM} 的{{since}}：只奖励该日及以后分离设立的企业（二（三））",
        f"operating since {{operating}}, before {{since}} (rule file {_ESTABLISHED_FROM}): only spin-offs"
        " established on or after that date are rewarded (二（三）)",
    ),
    "spin_off_paid": ("一次性奖励已于{year}年发放（二（三））", "the one-time reward was paid for {year} (二（三）)"),
    "spin_off_payable": ("分离设立一次性奖励", "one-time spin-off reward"),
    "data_line_no_fee": ("无数据专线租赁费记录（二（四））", "no data-line fee on record (二（四）)"),
    "data_line_outside_period": (
        "不在补贴期限{first}—{last}年内（二（四））",
        "outside the subsidy period {first}–{last} (二（四）)",
    ),
    "data_line_no_fee_in_year": ("{year}年无数据专线租赁费（二（四））", "no data-line fee paid in {year} (二（四）)"),
    "data_line_payable": ("数据专线补贴（补贴期限{first}—{last}年）", "data-line subsidy (period {first}–{last})"),
    "sales_none": ("无{year}年销售额记录（二（五））", "no sales on record for {year} (二（五）)"),
    "sales_no_tier": (
        "销售额{sales}元未首次突破任何尚未奖励的档次（二（五））",
        "sales of {sales} first cross no tier not yet rewarded (二（五）)",
    ),
    "sales_pending": (
        "首次突破{tier}元，规则文件未定奖励金额，待定（二（五））",
        "first crossed {tier}; the rule file sets no amount: a person decides (二（五）)",
    ),
    "sales_payable": ("首次突破{tier}元一次性奖励", "one-time reward for first crossing {tier}"),
    "not_demo": (
        "非{levels}电子商务示范企业（二（六））",
        "not a {levels} e-commerce demonstration enterprise (二（六）)",
    ),
    "demo_priority_flag": (
        "{level}示范企业：申报民营发展专项资金优先支持",
        "{level} demonstration enterprise: priority for the special fund",
    ),
    "loan_none": ("无重点建设项目贷款（二（六））", "no key construction project loan (二（六）)"),
    "loan_no_days": (
        "重点建设项目贷款在{year}年无计息天数（二（六））",
        "no key-project loan bears interest in {year} (二（六）)",
    ),
    "loan_no_benchmark": (
        "贷款{loans}放款日无基准利率（LPR已取代基准利率），待分析员决定",
        "no benchmark rate in force on the drawdown date of loan(s) {loans} (the LPR replaced it): an analyst decides",
    ),
    "loan_before_first_table": (
        "贷款{loans}放款日早于规则文件中最早的基准利率表，待分析员补充该日适用的基准利率",
        "loan(s) {loans} were drawn before the first benchmark table of the rule file: an analyst adds the rate in force then",
    ),
    "loan_cap_reached": (
        "已达每个企业贴息上限{cap}元（二（六））",
        "the enterprise cap of {cap} is reached (二（六）)",
    ),
    "loan_payable": ("{loans}笔重点建设项目贷款贴息", "interest subsidy on {loans} key-project loan(s)"),
    "key_support_city": (
        "市重点培育的电子商务企业：给予重点支持",
        "cultivated as a key enterprise by the city: key support",
    ),
    "key_support_hq": (
        "知名电子商务企业设立{hq}：给予重点支持",
        "well-known e-commerce enterprise with a {hq}: key support",
    ),
    "key_support_not_renowned": (
        "设立的机构符合，但非国内外知名电子商务企业（二（一））",
        "has a qualifying centre but is not a well-known e-commerce enterprise (二（一）)",
    ),
    "key_support_none": (
        "非知名企业所设总部、中心，亦非市重点培育企业（二（一））",
        "neither a well-known enterprise's headquarters or centre nor cultivated by the city (二（一）)",
    ),
    "nothing_to_pay": (
        "按计算依据，金额为0.00元，无需发放（{clause}）",
        "the computed amount is 0.00: nothing to pay ({clause})",
    ),
    "this_year_recorded": (
        "台账已记录本项{year}年度的发放{amount}元：不再列为应付，切勿重复发放；如需补发或更正，由人工决定",
        "the ledger already records this measure's payout for {year} ({amount}): not payable again, do not pay"
        " it twice; a person decides on any correction",
    ),
    "later_year_recorded": (
        "台账已有本项{years_zh}年度（晚于本年度）的发放：一次性奖励和累计上限只计本年度以前的发放，先发后补算可能重复发放，待人工决定",
        "the ledger already holds a payout of this measure for {years_en}, a later year: one-time rewards and the lifetime"
        " cap count earlier years only, so a person decides",
    ),
    "later_year_period": (
        "台账已有本项{years_zh}年度（晚于本年度）的发放：连同本年度将超出{period}年的补贴期限（二（四）），待人工决定",
        "the ledger already holds a payout of this measure for {years_en}, a later year: with this year the subsidy"
        " would run beyond its period of {period} years (二（四）), so a person decides",
    ),
}


# Choice values that appear inside messages, shown in the reader's language.
LABELS: dict[str, tuple[str, str]] = {
    "national_hq": ("全国性总部", "national headquarters"),
    "western_ops_center": ("西部营运中心", "western operations centre"),
    "regional_logistics_center": ("区域性物流配送中心", "regional logistics centre"),
    "settlement_center": ("结算中心", "settlement centre"),
    "national": ("国家级", "national"),
    "municipal": ("市级", "municipal"),
    "national/municipal": ("国家级、市级", "national or municipal"),
}


def render(msg: Msg, lang: Lang = "zh") -> str:
    index = 0 if lang == "zh" else 1
    args = {key: LABELS[value][index] if value in LABELS else value for key, value in msg.args}
    return CATALOG[msg.key][index].format(**args)


# The names a clerk reads for measures and statuses (the identifiers stay for programs).
MEASURE_NAMES: dict[str, tuple[str, str]] = {
    "key_support": ("重点支持", "key support"),
    "rent": ("办公用房租金补助", "office rent subsidy"),
    "spin_off": ("分离设立一次性奖励", "spin-off reward"),
    "data_line": ("数据专线补贴", "data-line subsidy"),
    "sales_milestone": ("销售额突破奖励", "sales milestone reward"),
    "demo_priority": ("示范企业优先支持", "demonstration priority"),
    "loan_interest": ("贷款贴息", "loan interest subsidy"),
}
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "payable": ("应付", "payable"),
    "pending": ("待定", "pending"),
    "flag": ("标记", "flag"),
    "blocked": ("无法计算", "blocked"),
    "ineligible": ("不符合条件", "ineligible"),
}


def measure_name(measure: str, lang: Lang = "zh") -> str:
    """A measure's name for a reader; an unknown identifier is shown as it is."""
    names = MEASURE_NAMES.get(measure)
    return measure if names is None else names[0 if lang == "zh" else 1]


def status_name(status: str, lang: Lang = "zh") -> str:
    names = STATUS_NAMES.get(status)
    return status if names is None else names[0 if lang == "zh" else 1]


def measure_label(measure: str, lang: Lang) -> str:
    """In the terminal: '办公用房租金补助（rent）' in Chinese (the id follows, for the analyst who types it); the
    id in English."""
    names = MEASURE_NAMES.get(measure)
    return f"{names[0]}（{measure}）" if lang == "zh" and names is not None else measure


def status_label(status: str, lang: Lang) -> str:
    """In the terminal: '应付' in Chinese; the status key ('payable') in English."""
    names = STATUS_NAMES.get(status)
    return names[0] if lang == "zh" and names is not None else status
