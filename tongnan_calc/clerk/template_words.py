"""The words of the clerks' blank input workbook (``template.py``): what each column means and which
measures need it (SPEC §3, §4), the fictional example row of each sheet, and the instructions sheet's
notes and table headers, each in Chinese and English."""

from __future__ import annotations

from datetime import date
from typing import Final

from tongnan_calc.core.model import DATA_LINES, ENTERPRISES, LEASES, LOANS, MEASURE_CLAUSES, SALES
from tongnan_calc.core.say import Lang
from tongnan_calc.input.reader import EXAMPLE_CODE as READER_EXAMPLE_CODE
from tongnan_calc.input.reader import Column, SheetSpec
from tongnan_calc.text.messages import MEASURE_NAMES

INSTRUCTIONS: Final = {"zh": "说明", "en": "instructions"}
"""The name of the instructions sheet in each language (not a data sheet)."""

EXAMPLE_CODE: Final = READER_EXAMPLE_CODE
"""The fictional credit code of the example rows (a valid GB 32100-2015 code that the reader refuses)."""


def lang_text(pair: tuple[str, str], lang: Lang) -> str:
    """The Chinese or the English of a (zh, en) pair."""
    return pair[0] if lang == "zh" else pair[1]


# --- what each column means and which measure needs it (SPEC §3, §4) ------------------------

ALL: Final = tuple(MEASURE_CLAUSES)
COMMON: Final = ("rent", "spin_off", "data_line", "sales_milestone")

# (sheet key, column key) -> ((meaning zh, meaning en), measures that need the column)
MEANINGS: Final[dict[tuple[str, str], tuple[tuple[str, str], tuple[str, ...]]]] = {
    (ENTERPRISES, "credit_code"): (
        (
            "企业的统一社会信用代码，每家企业一行，各表据此关联",
            "the enterprise's credit code: one row per enterprise; joins all sheets",
        ),
        ALL,
    ),
    (ENTERPRISES, "name"): (("企业名称", "the enterprise's name"), ALL),
    (ENTERPRISES, "ecommerce_entity"): (
        ("是否为电子商务法人企业（七）", "whether it is an e-commerce legal entity (七)"),
        COMMON,
    ),
    (ENTERPRISES, "settled_on"): (
        (
            "新落户本区的日期；不是新落户企业则留空（二）",
            "the date it newly settled in the district; blank if it did not (二)",
        ),
        ("rent",),
    ),
    (ENTERPRISES, "micro_support"): (
        (
            "是否享受微企扶持；享受的不再享受租金、分离设立、数据专线、销售额奖励（七）",
            "whether it enjoys micro-enterprise support, which excludes rent, spin-off, data-line "
            "and sales rewards (七)",
        ),
        COMMON,
    ),
    (ENTERPRISES, "hq_type"): (
        ("机构类型（一）", "the kind of headquarters or centre it is (一)"),
        ("key_support",),
    ),
    (ENTERPRISES, "renowned"): (
        (
            "是否为国内外知名电子商务企业（一）",
            "whether it is a well-known domestic or foreign e-commerce enterprise (一)",
        ),
        ("key_support",),
    ),
    (ENTERPRISES, "city_key"): (
        ("是否为市重点培育企业（一）", "whether the city cultivates it as a key enterprise (一)"),
        ("key_support",),
    ),
    (ENTERPRISES, "demo_level"): (
        ("示范企业级别（六）", "its demonstration-enterprise level (六)"),
        ("demo_priority", "loan_interest"),
    ),
    (ENTERPRISES, "spun_off"): (
        (
            "是否由本地特色传统企业分离设立（三）",
            "whether it was set up by splitting off from a local characteristic traditional enterprise (三)",
        ),
        ("spin_off",),
    ),
    (ENTERPRISES, "operating_since"): (
        ("分离设立的企业开始运营的日期（三）", "the date the split-off entity started operating (三)"),
        ("spin_off",),
    ),
    (ENTERPRISES, "bank_name"): (
        ("收款开户银行（带入发放表，不参与计算）", "the payee's bank (carried to the payout workbook)"),
        (),
    ),
    (ENTERPRISES, "bank_account"): (
        (
            "收款银行账号：请以文本填写（设单元格为文本），不参与计算",
            "the payee's account: type it as text (a text cell); not used in the computation",
        ),
        (),
    ),
    (LEASES, "credit_code"): (
        ("承租企业的统一社会信用代码（须在企业信息表中）", "the tenant's credit code (must be in enterprises)"),
        ("rent",),
    ),
    (LEASES, "building"): (("楼宇名称（仅供查阅，不参与计算）", "the building's name (for reference only)"), ()),
    (LEASES, "planned_building"): (
        (
            "是否为规划商务楼宇；只有规划商务楼宇的租金计入",
            "whether it is a planned business building; only those count",
        ),
        ("rent",),
    ),
    (LEASES, "area_m2"): (
        (
            "租用面积（平方米）；补助面积有上限（规则文件现定 2000 平方米）",
            "the area rented in m²; the area subsidised is capped (2,000 m² in the shipped rules)",
        ),
        ("rent",),
    ),
    (LEASES, "period_start"): (
        ("本次实付租金对应租期的第一天", "the first day of the period the rent was paid for"),
        ("rent",),
    ),
    (LEASES, "period_end"): (
        (
            "本次实付租金对应租期的最后一天（含当天，不早于租期起）",
            "the last day of that period (inclusive, not before the start)",
        ),
        ("rent",),
    ),
    (LEASES, "rent_paid"): (
        (
            "该租期实际支付的租金（元），按天平均分摊",
            "the rent actually paid for that period in yuan, spread evenly over its days",
        ),
        ("rent",),
    ),
    (DATA_LINES, "credit_code"): (
        ("企业的统一社会信用代码（须在企业信息表中）", "the enterprise's credit code (must be in enterprises)"),
        ("data_line",),
    ),
    (DATA_LINES, "year"): (("租赁费所属年度", "the year the fee was paid for"), ("data_line",)),
    (DATA_LINES, "fee_paid"): (
        (
            "实际支付的数据专线租赁费（元）；同一年度多行相加",
            "the data-line lease fee actually paid in yuan; rows of one year are added",
        ),
        ("data_line",),
    ),
    (SALES, "credit_code"): (
        ("企业的统一社会信用代码（须在企业信息表中）", "the enterprise's credit code (must be in enterprises)"),
        ("sales_milestone",),
    ),
    (SALES, "year"): (
        (
            "销售额所属年度；请填写已知的全部往年，每年一行",
            "the year of the sales; give every past year known, one row per year",
        ),
        ("sales_milestone",),
    ),
    (SALES, "sales"): (("该年度的年销售额（元）", "the annual sales of that year in yuan"), ("sales_milestone",)),
    (LOANS, "credit_code"): (
        ("借款企业的统一社会信用代码（须在企业信息表中）", "the borrower's credit code (must be in enterprises)"),
        ("loan_interest",),
    ),
    (LOANS, "loan_id"): (
        ("贷款合同编号，每笔贷款一行", "the loan's contract number: one row per loan"),
        ("loan_interest",),
    ),
    (LOANS, "key_project"): (
        (
            "是否为重点建设项目贷款；只有重点建设项目贷款贴息",
            "whether it is a key construction project loan; only those count",
        ),
        ("loan_interest",),
    ),
    (LOANS, "principal"): (("贷款本金（元）", "the principal in yuan"), ("loan_interest",)),
    (LOANS, "drawdown_date"): (
        ("放款日期；按当日基准利率计算贴息", "the drawdown date; the benchmark rate in force that day applies"),
        ("loan_interest",),
    ),
    (LOANS, "maturity_date"): (
        (
            "到期日期（晚于放款日期；到期当天不计息）",
            "the maturity date (after the drawdown date; that day bears no interest)",
        ),
        ("loan_interest",),
    ),
    (LOANS, "interest_paid"): (
        (
            "计算年度内该笔贷款实际支付的利息（元）；填写后贴息不超过此数",
            "the interest actually paid on this loan in the calculation year, in yuan; "
            "when given, the subsidy is not more than this",
        ),
        ("loan_interest",),
    ),
}

# --- the fictional example row of each sheet -----------------------------------------------

EXAMPLE_ROWS: Final[dict[str, dict[str, tuple[object, object]]]] = {
    # column key -> (zh value, en value)
    ENTERPRISES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "name": (
            "示例电子商务有限公司（虚构示例，请删除本行）",
            "Example E-commerce Co., Ltd. (fictional: delete this row)",
        ),
        "ecommerce_entity": ("是", "yes"),
        "settled_on": (date(2016, 3, 1), date(2016, 3, 1)),
        "micro_support": ("否", "no"),
        "hq_type": ("结算中心", "settlement_center"),
        "renowned": ("否", "no"),
        "city_key": ("否", "no"),
        "demo_level": ("市级", "municipal"),
        "spun_off": ("否", "no"),
        "operating_since": (date(2016, 3, 1), date(2016, 3, 1)),
        "bank_name": ("示例银行潼南支行", "Example Bank, Tongnan branch"),
        "bank_account": ("6222 0000 0000 0000 000", "6222 0000 0000 0000 000"),
    },
    LEASES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "building": ("示例大厦A栋", "Example Tower A"),
        "planned_building": ("是", "yes"),
        "area_m2": (500, 500),
        "period_start": (date(2016, 3, 1), date(2016, 3, 1)),
        "period_end": (date(2017, 2, 28), date(2017, 2, 28)),
        "rent_paid": (120000, 120000),
    },
    DATA_LINES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "year": (2016, 2016),
        "fee_paid": (30000, 30000),
    },
    SALES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "year": (2016, 2016),
        "sales": (62500000, 62500000),
    },
    LOANS: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "loan_id": ("示例-2016-001", "EXAMPLE-2016-001"),
        "key_project": ("是", "yes"),
        "principal": (1000000, 1000000),
        "drawdown_date": (date(2016, 3, 1), date(2016, 3, 1)),
        "maturity_date": (date(2017, 3, 1), date(2017, 3, 1)),
        "interest_paid": (43500, 43500),
    },
}

EXAMPLE_NOTE: Final = (
    "第2行为虚构的示例行，填表时请覆盖或删除（留在表中的示例行会被检查报错，不参与计算）。",
    "Row 2 is a fictional example: overwrite or delete it (an example row left in the workbook is an error "
    "and is not computed).",
)

# --- the words of the instructions sheet ------------------------------------------------------

TITLE: Final = (
    "潼南区电子商务政策兑付计算 — 输入表填写说明",
    "Tongnan District e-commerce policy calculator — how to fill in this workbook",
)
NOTES: Final[tuple[tuple[str, str], ...]] = (
    (
        "每个工作表的第1行为表头：请勿修改表头文字（中文表头或英文键均可）；列的顺序可以调整，多余的列会被忽略。",
        "Row 1 of each sheet is the header: keep its words (the Chinese headers or the English keys both work); "
        "columns may be in any order and extra columns are ignored.",
    ),
    EXAMPLE_NOTE,
    (
        "只有“企业信息”表必须有；没有某类记录时，相应工作表留空或删除即可。",
        "Only the enterprises sheet is required; a sheet with no records may be left empty or deleted.",
    ),
    (
        "各表通过统一社会信用代码关联到“企业信息”表中的企业；"
        "代码列已设为文本格式，请勿改为数字格式（否则 Excel 会丢失位数）。",
        "Every sheet is joined to the enterprises sheet by the credit code; the code columns are formatted as "
        "text: keep them so (as a number, Excel loses digits).",
    ),
    (
        "下拉列表和数据验证帮助避免录入错误；粘贴的内容不受验证，请用检查命令核对。",
        "Drop-down lists and data validation catch typing mistakes; pasted cells are not validated, so run the check.",
    ),
    (
        "填好后先运行 tongnan-calc check 工作簿.xlsx 检查（加 --annotate 标注.xlsx 可在副本中标出有问题的单元格），"
        "再运行 tongnan-calc run 工作簿.xlsx --year 年度 计算。",
        "When done, run tongnan-calc check WORKBOOK.xlsx (add --annotate MARKED.xlsx for a copy with the bad cells "
        "marked), then tongnan-calc run WORKBOOK.xlsx --year YEAR.",
    ),
    ("本“说明”工作表不参与计算。", "This instructions sheet is not read as data."),
)
TABLE_HEADERS: Final[tuple[tuple[str, str, int], ...]] = (
    # zh, en, width
    ("工作表", "sheet", 14),
    ("表头", "column", 22),
    ("英文键 / 中文表头", "Chinese header", 22),
    ("必填", "required", 8),
    ("含义", "meaning", 48),
    ("可填写的形式", "accepted forms", 56),
    ("用于哪些措施", "needed by", 36),
)
REQUIRED_WORDS: Final = {True: ("必填", "yes"), False: ("选填", "no")}
SHEET_REQUIRED: Final = (
    "（必须有的工作表）",
    " (required sheet)",
)
NOT_USED: Final = ("不参与计算", "none (reference only)")


def measures_text(measures: tuple[str, ...], lang: Lang) -> str:
    """'rent 租金补助 二（二）' for each measure; ``NOT_USED`` when none."""
    if not measures:
        return lang_text(NOT_USED, lang)
    if lang == "zh":
        return "；".join(f"{MEASURE_NAMES[m][0]} {m} {MEASURE_CLAUSES[m]}" for m in measures)
    return "; ".join(f"{m} {MEASURE_CLAUSES[m]}" for m in measures)


def header_text(spec_or_column: SheetSpec | Column, lang: Lang) -> str:
    """The sheet name or column header the template uses in ``lang``."""
    return spec_or_column.header if lang == "zh" else spec_or_column.key
