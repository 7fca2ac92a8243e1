"""The basis (计算依据) in Chinese by default, in English with ``--lang en``.

The measures return their trace as data (``core.trace``); ``text.basis`` renders it
in Chinese or English from one catalog per kind of step and check.
"""

from __future__ import annotations

import ast
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from factories import (
    SHIPPED,
    TIER_AMOUNTS,
    ent,
    fee,
    lease,
    loan,
    paid,
    rec,
    rules_with,
    sale,
)
from rich.console import Console
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.engine import _held
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.measures.common import param_use
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.rules import Reference
from tongnan_calc.core.trace import EXACT, ROUNDED, Check, ParamUse, Step
from tongnan_calc.report import explain_out
from tongnan_calc.report.json_out import dumps
from tongnan_calc.report.layout import BASIS, PAYABLE_COLUMNS
from tongnan_calc.report.xlsx import SHEET_FOR_STATUS
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, parse_rules
from tongnan_calc.shell import run as runner
from tongnan_calc.text.basis import (
    CHECKS,
    STEPS,
    basis_lines,
    basis_text,
    check_line,
    check_text,
    param_text,
    step_text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example.xlsx"
PACKAGE = ROOT / "tongnan_calc"
WIDE = {"COLUMNS": "240", "TONGNAN_LEDGER": ""}

# The references a basis cites (``Reference.short``), as rules.yaml's ``documentation`` gives them: a value
# the notice itself sets by its clause alone (the notice is the rule file's policy.title), with the clause's
# words; a PBOC rate table by the notice's title and issue date (the titles repeat), then the clause.
RATES_REF = "二（二）：前两年分别按租金的60%和30%予以补助"
AREA_REF = "二（二）：返还租金计算面积最高不超过2000平方米"
PBOC_TABLE = "附表 金融机构人民币存贷款基准利率调整表（各项贷款）"
PBOC_2012_REF = f"《中国人民银行决定下调金融机构人民币存贷款基准利率》（2012-07-05）{PBOC_TABLE}"

# The first rent line of the example (2016): settled 2015-07-01, one lease row, the anniversary inside the year.
RENT_ZH = [
    f"rates = [0.6, 0.3]（二（二），自2015-01-01起施行；依据：{RATES_REF}）",
    f"area_cap_m2 = 2000（二（二），自2015-01-01起施行；依据：{AREA_REF}）",
    "落户日期：2015-07-01",
    "本年度补助期间：2016-01-01至2016-12-31",
    "2016-01-01至2016-06-30（182天）：租赁第3行；租金59672.1311475410…；面积1200平方米，折算系数1；"
    "比例0.6；补助35803.2786885246…",
    "2016-07-01至2016-12-31（184天）：租赁第3行；租金60327.8688524590…；面积1200平方米，折算系数1；"
    "比例0.3；补助18098.3606557377…",
    "精确金额：53901.6393442623…",
    "四舍五入至0.01元：53901.64",
]
RENT_EN = [
    f"rates = [0.6, 0.3] (二（二）, in force from 2015-01-01; source: {RATES_REF})",
    f"area_cap_m2 = 2000 (二（二）, in force from 2015-01-01; source: {AREA_REF})",
    "settled_on: 2015-07-01",
    "subsidy days this year: 2016-01-01 to 2016-12-31",
    "2016-01-01 to 2016-06-30 (182 days): lease rows 3; rent 59672.1311475410…; area 1200 m², factor 1; "
    "rate 0.6; subsidy 35803.2786885246…",
    "2016-07-01 to 2016-12-31 (184 days): lease rows 3; rent 60327.8688524590…; area 1200 m², factor 1; "
    "rate 0.3; subsidy 18098.3606557377…",
    "exact amount: 53901.6393442623…",
    "rounded half up to 0.01: 53901.64",
]


@pytest.fixture(scope="module")
def example() -> runner.RunResult:
    return runner.run(EXAMPLE, 2016)


def first_rent(result: runner.RunResult) -> Line:
    return next(x for x in result.lines if x.measure == "rent" and x.status is Status.PAYABLE)


# --- the basis of each measure, in Chinese ------------------------------------------------


def test_rent_across_the_anniversary(example: runner.RunResult) -> None:
    line = first_rent(example)
    assert basis_lines(line.basis, "zh") == RENT_ZH
    assert basis_lines(line.basis, "en") == basis_lines(line.basis) == RENT_EN  # the English is as it was
    assert basis_text(line.basis, "zh") == "；".join(RENT_ZH)
    assert basis_text(line.basis) == "; ".join(RENT_EN)


def test_data_line_with_the_cap_applied() -> None:
    line = MEASURES["data_line"](rec(data_lines=[fee(2016, 400000)]), 2016, SHIPPED)
    assert line.status is Status.PAYABLE
    assert basis_lines(line.basis, "zh") == [
        "period_years = 2（二（四），自2015-01-01起施行；依据：二（四）：补贴期限为2年）",
        "rate = 0.3（二（四），自2015-01-01起施行；依据：二（四）：给予不超过租赁费用30%的补贴）",
        "annual_cap = 100000（二（四），自2015-01-01起施行；依据：二（四）：每年补助金额最高10万元人民币）",
        "补贴期限：2016年至2017年",
        "本年度已付专线租赁费用（F）：400000",
        "补贴比例 × F：120000",
        "适用年度补贴上限：100000",
        "精确金额：100000",
        "四舍五入至0.01元：100000.00",
    ]
    assert "annual cap applied: 100000" in basis_lines(line.basis)


def test_sales_milestone_several_tiers_top_up() -> None:
    rules = rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up")
    r = rec(sales=[sale(2016, 1500000000)], prior=[paid("sales_milestone", 2015, 100000, tier=50000000)])
    line = MEASURES["sales_milestone"](r, 2016, rules)
    assert line.status is Status.PAYABLE
    assert basis_lines(line.basis, "zh") == [
        "tiers = >50000000: 100000; >100000000: 200000; >1000000000: 1000000（二（五），自2015-01-01起施行；"
        "依据：二（五）：对年销售额首次突破5000万元、1亿元、10亿元的电子商务企业，给予一次性奖励）",
        "mode = top_up（二（五），自2015-01-01起施行；依据：二（五）：一次性奖励（不重复享受））",
        "2016年销售额：1500000000",
        "已发放的最高档次：50000000",
        "本年度首次突破的档次：100000000, 1000000000",
        "扣减以往已发放的突破奖励（top_up）：100000",
        "精确金额：900000",
        "四舍五入至0.01元：900000.00",
    ]


def test_sales_milestone_pending_with_an_earlier_year() -> None:
    line = MEASURES["sales_milestone"](rec(sales=[sale(2015, 40000000), sale(2016, 150000000)]), 2016, SHIPPED)
    assert line.status is Status.PENDING
    assert basis_lines(line.basis, "zh")[2:] == [
        "2016年销售额：150000000",
        "以往年度最高销售额：40000000",
        "本年度首次突破的档次：50000000, 100000000",
    ]


DEMO = ent(demo_level="municipal")
LOAN_PARAMS_ZH = [
    "levels = [national, municipal]（二（六），自2015-01-01起施行；"
    "依据：二（六）（第二句无主语：本工具的解读为第一句所指的国家级、市级示范企业））",
    "share_of_benchmark = 0.5（二（六），自2015-01-01起施行；依据：二（六）：按银行同期基准利率的50%给予贷款贴息）",
    "day_count = 360（二（六），自2015-01-01起施行；依据：二（六）（通知未规定计息天数：本工具的解读为一年按360天计））",
    "enterprise_cap = 500000（二（六），自2015-01-01起施行；依据：二（六）：每个企业贴息最高不超过50万元）",
]


def test_loan_interest_limited_without_days_and_capped() -> None:
    loans = [
        loan("JK-1", 2000000, "2014-09-01", "2015-07-01", interest_paid=20000),
        loan("JK-2", 1000000, "2016-01-01", "2017-01-01"),
        loan("JK-3", 1000000, "2012-08-01", "2018-08-01"),
    ]
    line = MEASURES["loan_interest"](rec(DEMO, loans=loans, prior=[paid("loan_interest", 2014, 480000)]), 2015, SHIPPED)
    assert line.status is Status.PAYABLE
    assert basis_lines(line.basis, "zh") == [
        *LOAN_PARAMS_ZH,
        f"benchmark_rates = 基准利率表（二（六），自2012-07-06起施行；依据：{PBOC_2012_REF}）",
        "贷款 JK-1 期限及基准利率：10个月，期限档次≤12个月：6%",
        "贷款 JK-1 贴息：2000000 × 0.06 × 181/360 = 60333.3333333333…；实付利息20000较少，以实付利息为准；× 0.5 = 10000",
        "贷款 JK-2：2015年无计息天数",
        "贷款 JK-3 期限及基准利率：72个月，期限档次更长期限：6.55%",
        "贷款 JK-3 贴息：1000000 × 0.0655 × 365/360 = 66409.7222222222…；× 0.5 = 33204.8611111111…",
        "未计上限的贴息合计：43204.8611111111…",
        "以往年度已发放贴息：480000",
        "适用每个企业贴息上限（上限减以往已发放）：20000",
        "精确金额：20000",
        "四舍五入至0.01元：20000.00",
    ]


def test_loan_interest_pending_without_a_benchmark() -> None:
    loans = [loan("JK-0", 1000000, "2001-09-01", "2016-09-01"), loan("JK-9", 2000000, "2019-09-01", "2021-07-01")]
    line = MEASURES["loan_interest"](rec(DEMO, loans=loans), 2020, SHIPPED)
    assert line.status is Status.PENDING
    assert basis_lines(line.basis, "zh")[4:] == [
        "benchmark_rates = 基准利率表（二（六），自2019-08-20起施行；依据：《中国人民银行公告〔2019〕第15号》（2019-08-16）"
        "自2019年8月20日起以贷款市场报价利率（LPR）为贷款定价基准）",
        "贷款 JK-0：2020年无计息天数",
        "贷款 JK-9：2019-09-01无有效的银行同期基准利率（已停止公布）",
        "其余贷款已算得的贴息：0",
    ]
    early = MEASURES["loan_interest"](rec(DEMO, loans=[loans[0]]), 2016, SHIPPED)
    assert early.status is Status.PENDING
    assert basis_lines(early.basis, "zh")[-2:] == [
        "贷款 JK-0：2001-09-01放款，早于规则文件中最早的基准利率表",
        "其余贷款已算得的贴息：0",
    ]


def test_an_ineligible_line_with_steps() -> None:
    r = rec(
        DEMO, loans=[loan("JK-1", 2000000, "2014-09-01", "2015-07-01")], prior=[paid("loan_interest", 2014, 500000)]
    )
    line = MEASURES["loan_interest"](r, 2015, SHIPPED)
    assert line.status is Status.INELIGIBLE
    assert basis_lines(line.basis, "zh")[4:] == [
        f"benchmark_rates = 基准利率表（二（六），自2012-07-06起施行；依据：{PBOC_2012_REF}）",
        "贷款 JK-1 期限及基准利率：10个月，期限档次≤12个月：6%",
        "贷款 JK-1 贴息：2000000 × 0.06 × 181/360 = 60333.3333333333…；× 0.5 = 30166.6666666667…",
        "未计上限的贴息合计：30166.6666666667…",
        "以往年度已发放贴息：500000",
    ]


def test_a_line_held_for_a_later_year_and_spin_off() -> None:
    line = MEASURES["spin_off"](rec(ent(spun_off=True, operating_since="2015-06-01")), 2016, SHIPPED)
    # after the three parameters (established_from, min_operating_years, amount)
    assert basis_lines(line.basis, "zh")[3:] == [
        "运行满一年之日：2016-06-01",
        "精确金额：20000",
        "四舍五入至0.01元：20000.00",
    ]
    held = _held(line, {2017})
    assert basis_lines(held.basis, "zh")[-1] == "仅依据以往年度发放记录计得的金额（暂不发放）：20000.00"
    assert basis_lines(held.basis)[-1] == "amount from the payouts of earlier years only (not paid): 20000.00"


# --- every kind the code makes has its texts in the catalog ---------------------------------


def kinds_in_the_code() -> Iterator[tuple[str, str, str | None]]:
    """(file, "step" or "check", kind) of every ``step(kind, ...)``, ``check(kind, ...)``, ``Step(kind, ...)``
    and ``Check(kind, ...)`` call in the core, where every trace is made (``uses.step``, ``uses.check`` too)."""
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name.lower() not in ("step", "check"):
                continue
            first = node.args[0]
            kind = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            yield path.name, name.lower(), kind


def test_every_kind_the_code_makes_is_in_the_catalog() -> None:
    found = list(kinds_in_the_code())
    assert len(found) >= 50
    # a kind is a literal, but where a function passes its own argument on (``Uses.step(kind, ...)``)
    passed_on = {(file, what) for file, what, kind in found if kind is None}
    assert passed_on <= {("common.py", "step"), ("common.py", "check"), ("trace.py", "step"), ("trace.py", "check")}
    steps = {kind for _, what, kind in found if what == "step" and kind is not None}
    checks = {kind for _, what, kind in found if what == "check" and kind is not None}
    assert steps | {EXACT, ROUNDED} == set(STEPS)  # the two every payable line ends with: named constants
    assert checks == set(CHECKS)


_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# the loan ids of the examples, the rule-file key of the sales mode, the sheets' keys (shown after their names)
_ALLOWED = {"JK", "top_up", "F", "leases", "data_lines", "sales", "loans"}


def traces() -> Iterator[tuple[Line, Step | Check]]:
    """Every step and check of every line of the example (three years), and of the cases above."""
    for year in (2015, 2016, 2017):
        for line in runner.run(EXAMPLE, year).lines:
            yield from ((line, part) for part in (*line.basis.steps, *line.basis.checks))


def test_every_kind_renders_in_both_languages() -> None:
    seen: set[str] = set()
    for line, part in traces():
        seen.add(part.kind)
        for lang in ("zh", "en"):
            shown = step_text(part, lang) if isinstance(part, Step) else "".join(check_text(part, lang))
            assert "{" not in shown and "}" not in shown, shown
            if lang == "zh":
                for _, value in part.args:  # the workbook's own text (a loan id) is shown as it is
                    for item in value if isinstance(value, tuple) else (value,):
                        if isinstance(item, str) and item:
                            shown = shown.replace(item, "")
                words = set(_ENGLISH_WORD.findall(shown.replace("top_up", "").replace("data_lines", ""))) - _ALLOWED
                assert not words, (line.measure, shown)
    # the example exercises most kinds; the others are rendered by the measure tests above
    assert len(seen) >= 25, sorted(seen)


def test_a_check_on_one_line() -> None:
    line = MEASURES["rent"](rec(ent(settled_on="2016-02-29")), 2016, SHIPPED)
    assert [check_line(c, "zh") for c in line.basis.checks][:3] == [
        "未享受微企扶持（二（七））：否 ✓",
        "电子商务法人企业（二（七））：是 ✓",
        "新落户：落户日期不早于政策起始日 2015-01-01：2016-02-29 ✓",
    ]
    assert check_line(line.basis.checks[2], "en") == "newly settled: on or after 2015-01-01: 2016-02-29 ✓"
    assert line.basis.checks[-1].met is False  # no lease


def test_a_parameter_with_its_reference() -> None:
    """A rule-file value with the document that sets it: rendered when the rule file names one."""
    ref = "潼南府办发〔2015〕12号 2015-01-01 二（二） https://example.gov.cn/doc"
    p = ParamUse("rates", "[0.6, 0.3]", date(2015, 1, 1), "二（二）", ref)
    assert param_text(p, "zh") == f"rates = [0.6, 0.3]（二（二），自2015-01-01起施行；依据：{ref}）"
    assert param_text(p, "en") == f"rates = [0.6, 0.3] (二（二）, in force from 2015-01-01; source: {ref})"
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(explain_out._params((p, ParamUse("area_cap_m2", "2000", date(2015, 1, 1), "二（二）")), "zh"))
    shown = console.export_text()
    assert "依据文件" in shown and ref in shown


# --- the reference of each value (Reference.short): the document and clause that set it -----


def test_a_rent_line_cites_the_clause_of_the_notice(example: runner.RunResult) -> None:
    """The notice's own values (rules.yaml's documentation names the notice, the file's policy.title) are
    cited by the clause with its words; the notice's long title is in rules show and the provenance."""
    line = first_rent(example)
    assert [p.reference for p in line.basis.params] == [
        "二（二）：前两年分别按租金的60%和30%予以补助",
        "二（二）：返还租金计算面积最高不超过2000平方米",
    ]
    rates = line.basis.params[0]
    assert (
        param_text(rates, "zh")
        == "rates = [0.6, 0.3]（二（二），自2015-01-01起施行；依据：二（二）：前两年分别按租金的60%和30%予以补助）"
    )
    assert param_text(rates, "en") == (
        "rates = [0.6, 0.3] (二（二）, in force from 2015-01-01; source: 二（二）：前两年分别按租金的60%和30%予以补助)"
    )
    # looked up once per rule file, parameter and day: the lines asking on the same day share one object
    day = date(2016, 1, 1)
    first = param_use(example.rules, "rent", "rates", day)[1]
    assert first == rates and param_use(example.rules, "rent", "rates", day)[1] is first


def test_a_loan_line_cites_the_pboc_notice_of_its_rate() -> None:
    """A benchmark rate is cited by the PBOC notice that set it, with its issue date (the titles repeat):
    a loan drawn 2015-04-10 reads the table in force from 2015-03-01, announced 2015-02-28."""
    line = MEASURES["loan_interest"](
        rec(DEMO, loans=[loan("JK-1", 1000000, "2015-04-10", "2016-04-10")]), 2016, SHIPPED
    )
    assert line.status is Status.PAYABLE
    table = line.basis.params[-1]
    assert table.name == "benchmark_rates" and table.effective == date(2015, 3, 1)
    ref = "《中国人民银行决定下调金融机构人民币存贷款基准利率》（2015-02-28）附表 金融机构人民币存贷款基准利率调整表（各项贷款）"
    assert table.reference == ref
    assert param_text(table, "zh") == f"benchmark_rates = 基准利率表（二（六），自2015-03-01起施行；依据：{ref}）"
    assert param_text(table, "en") == f"benchmark_rates = table (二（六）, in force from 2015-03-01; source: {ref})"
    assert basis_lines(line.basis, "zh")[:4] == LOAN_PARAMS_ZH


def test_a_revision_cites_its_document_number() -> None:
    """The 2018 revision (an overlay) names its 文号: its values are cited by it, the others as before."""
    rules = load_rules(ROOT / "examples" / "rules-2018-revision.yaml")
    r = rec(ent(settled_on="2017-01-01"), leases=[lease("2018-01-01", "2018-12-31", 36500)])
    line = MEASURES["rent"](r, 2018, rules)
    assert line.status is Status.PAYABLE
    assert basis_lines(line.basis, "zh")[:2] == [
        "rates = [0.6, 0.4]（二（二），自2018-01-01起施行；依据：潼南府办发〔2018〕示例号 第二条：第二年按租金的40%予以补助）",
        "area_cap_m2 = 2000（二（二），自2015-01-01起施行；依据：二（二）：返还租金计算面积最高不超过2000平方米）",
    ]
    assert basis_lines(line.basis, "en")[0] == (
        "rates = [0.6, 0.4] (二（二）, in force from 2018-01-01; source: 潼南府办发〔2018〕示例号 第二条：第二年按租金的40%予以补助)"
    )


def test_a_value_without_a_reference_cites_none() -> None:
    """A rule file without documentation, or a value added without a reference: no 依据 / source part."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    bare = parse_rules(text[: text.index("\ndocumentation:")].encode("utf-8"), "bare.yaml")
    line = MEASURES["rent"](
        rec(ent(settled_on="2015-07-01"), leases=[lease("2016-01-01", "2016-12-31", 120000, 1200)]), 2016, bare
    )
    assert line.status is Status.PAYABLE
    assert all(p.reference is None for p in line.basis.params)
    assert basis_lines(line.basis, "zh")[:2] == [
        "rates = [0.6, 0.3]（二（二），自2015-01-01起施行）",
        "area_cap_m2 = 2000（二（二），自2015-01-01起施行）",
    ]
    assert basis_lines(line.basis, "en")[:2] == [
        "rates = [0.6, 0.3] (二（二）, in force from 2015-01-01)",
        "area_cap_m2 = 2000 (二（二）, in force from 2015-01-01)",
    ]
    # a value from 2016-07-01 added to the documented file, without a reference of its own
    added = rules_with(rent_rates_from={"2016-07-01": ("0.50", "0.25")})
    line = MEASURES["rent"](
        rec(ent(settled_on="2015-07-01"), leases=[lease("2016-01-01", "2016-12-31", 120000, 1200)]), 2016, added
    )
    rates = [param_text(p, "zh") for p in line.basis.params if p.name == "rates"]
    assert rates == [
        f"rates = [0.6, 0.3]（二（二），自2015-01-01起施行；依据：{RATES_REF}）",
        "rates = [0.5, 0.25]（二（二），自2016-07-01起施行）",
    ]


def test_the_short_form_of_a_reference() -> None:
    notice = "重庆市潼南区人民政府办公室关于促进电子商务发展重点工作分工及政策措施落实责任分解的通知"
    url = "http://www.pbc.gov.cn"
    cases = [
        # the 文号 and the clause (the title and the date are in rules show)
        (
            Reference("第二条：…", "修订通知", "潼南府办发〔2018〕12号", date(2018, 1, 5), url),
            "潼南府办发〔2018〕12号 第二条：…",
        ),
        (Reference("二（二）", notice, "潼南府办发〔2015〕1号"), "潼南府办发〔2015〕1号 二（二）"),
        # no 文号: the title, the issue date when known, the clause
        (Reference("附表", "某通知", issued=date(2015, 2, 28), url=url), "《某通知》（2015-02-28）附表"),
        (Reference("第三条", "某通知"), "《某通知》第三条"),
        # the rule file's own notice: the clause alone
        (Reference("二（二）：前两年…", notice), "二（二）：前两年…"),
    ]
    for reference, short in cases:
        assert reference.short(notice) == short
    assert Reference("二（二）", notice).short() == f"《{notice}》二（二）"
    # a clause written over several lines of the file (`clause: |`) is one line of the basis
    assert Reference("第二条：\n第二年按租金的40%\n予以补助\n", number="潼南府办发〔2018〕12号").short() == (
        "潼南府办发〔2018〕12号 第二条： 第二年按租金的40% 予以补助"
    )


# --- where the basis is shown: the payout workbook, JSON, explain, rules test ---------------


def _basis_cell(path: Path, lang: str, code: str) -> str:
    """The basis of the example's first rent line in a payout workbook written in ``lang``: on the basis
    sheet (计算依据), under the line's 序号, after its reason, a text line a row."""
    i = 0 if lang == "zh" else 1
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[SHEET_FOR_STATUS[Status.PAYABLE][i]].iter_rows(values_only=True))
    assert list(rows[0]) == [c.zh if lang == "zh" else c.en for c in PAYABLE_COLUMNS]
    keys = [c.key for c in PAYABLE_COLUMNS]
    seq = next(
        cells["seq"]
        for cells in (dict(zip(keys, row, strict=True)) for row in rows[1:])
        if cells["credit_code"] == code and cells["measure"] == "rent"
    )
    texts: list[str] = []
    current = None
    for row in book[BASIS[i]].iter_rows(min_row=2, values_only=True):
        current = row[0] if row[0] is not None else current
        if current == seq:
            texts.append(str(row[3]))
    assert texts, code
    return "\n".join(texts[1:])


def test_the_payout_workbook_in_chinese_and_in_english(example: runner.RunResult, tmp_path: Path) -> None:
    code = first_rent(example).credit_code
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    base = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger"]
    # exit code 1: the example has planted input errors
    assert CliRunner().invoke(app, [*base, "--out", str(zh)], env=WIDE).exit_code == 1
    assert CliRunner().invoke(app, [*base, "--out", str(en), "--lang", "en"], env=WIDE).exit_code == 1
    assert _basis_cell(zh, "zh", code) == "\n".join(RENT_ZH)
    assert _basis_cell(en, "en", code) == "\n".join(RENT_EN)


def test_json_in_chinese_and_in_english(example: runner.RunResult) -> None:
    code = first_rent(example).credit_code
    for lang, want in (("zh", RENT_ZH), ("en", RENT_EN)):
        data = json.loads(dumps(example, lang))  # type: ignore[arg-type]
        entry = next(e for e in data["entitlements"] if e["credit_code"] == code and e["measure"] == "rent")
        assert entry["basis"] == want
        for entry, line in zip(data["entitlements"], example.lines, strict=True):
            if "basis" in entry:
                assert entry["basis"] == basis_lines(line.basis, lang)


def test_json_on_the_command_line_in_chinese_by_default(example: runner.RunResult) -> None:
    code = first_rent(example).credit_code
    base = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--json", "-"]
    for args, want in (([], RENT_ZH), (["--lang", "en"], RENT_EN)):
        out = CliRunner().invoke(app, [*base, *args], env=WIDE)
        assert out.exit_code == 1  # the planted input errors
        data = json.loads(out.stdout)
        entry = next(e for e in data["entitlements"] if e["credit_code"] == code and e["measure"] == "rent")
        assert entry["basis"] == want


def test_explain_shows_the_basis_in_chinese(example: runner.RunResult) -> None:
    line = first_rent(example)
    args = ["explain", line.credit_code, str(EXAMPLE), "--year", "2016", "--no-ledger"]
    out = CliRunner().invoke(app, args, env=WIDE)
    assert out.exit_code == 0, out.output
    assert "落户日期：2015-07-01" in out.stdout and "本年度补助期间：2016-01-01至2016-12-31" in out.stdout
    assert "settled_on:" not in out.stdout
    english = CliRunner().invoke(app, [*args, "--lang", "en"], env=WIDE)
    assert "settled_on: 2015-07-01" in english.stdout and "落户日期" not in english.stdout
    # the rule-file values used, each with its reference (依据文件 / source)
    for shown in (out.stdout, english.stdout):
        row = next(x for x in shown.splitlines() if " rates " in x and "2015-01-01" in x)
        assert row.rstrip(" │").endswith(RATES_REF), row
    loan_args = ["explain", "91500223MA610P3703", str(EXAMPLE), "--year", "2016", "--no-ledger", "--lang", "en"]
    loans = CliRunner().invoke(app, loan_args, env=WIDE).stdout
    row = next(x for x in loans.splitlines() if "benchmark_rates" in x and "2015-03-01" in x)
    assert row.rstrip(" │").endswith(
        "《中国人民银行决定下调金融机构人民币存贷款基准利率》（2015-02-28）附表 金融机构人民币存贷款基准利率调整表（各项贷款）"
    ), row
    assert re.split(r"\s{2,}", row.strip("│ "))[1] == "table", row
    # the value column names the table as the basis does: 基准利率表 in Chinese
    chinese = CliRunner().invoke(app, loan_args[:-2], env=WIDE).stdout
    row = next(x for x in chinese.splitlines() if "benchmark_rates" in x and "2015-03-01" in x)
    assert re.split(r"\s{2,}", row.strip("│ "))[1] == "基准利率表", row

    from tongnan_calc.clerk.explain import explain_run

    expl = explain_run(example, {}, line.credit_code)
    assert expl is not None
    rent = next(m for m in expl.measures if m.measure == "rent")
    assert list(rent.basis_lines) == RENT_ZH
    expl_en = explain_run(example, {}, line.credit_code, "en")
    assert expl_en is not None
    assert list(next(m for m in expl_en.measures if m.measure == "rent").basis_lines) == RENT_EN


FAILING = """\
- name: E01 rent with a slip of the pen
  year: 2016
  enterprise: {credit_code: 91500223MA5U7K3L2W, name: 甲, ecommerce_entity: Y, settled_on: 2015-07-01}
  leases:
    - {planned_building: Y, area_m2: 1200, period_start: 2016-01-01, period_end: 2016-12-31, rent_paid: 120000}
  expect:
    rent: {status: payable, amount: "53901.46"}
"""


def test_rules_test_shows_the_basis_in_its_language(tmp_path: Path) -> None:
    """``rules test`` failures show the basis in the chosen language, like every other output."""
    path = tmp_path / "case.yaml"
    path.write_text(FAILING, encoding="utf-8")
    for args, first, last in (
        ([], RENT_ZH[0], "四舍五入至0.01元：53901.64"),
        (
            ["--lang", "en"],
            RENT_EN[0],
            "rounded half up to 0.01: 53901.64",
        ),
    ):
        out = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["rules", "test", *args, str(path)])
        assert out.exit_code == 1
        lines = [x.strip() for x in out.stdout.splitlines()]
        assert first in lines
        assert last in lines
