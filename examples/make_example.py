"""Write ``examples/example.xlsx``: the shipped example batch for ``tongnan-calc``.

    python examples/make_example.py [OUT.xlsx]      # default: examples/example.xlsx
    tongnan-calc run examples/example.xlsx --year 2016

Deterministic: no randomness, no clock; every date and amount is fixed below, so
running the script twice gives workbooks with the same cell values.  The main
calculation year is 2016; the rows also give sensible results for 2015 and 2017
(``interest_paid`` on the loans sheet is the interest paid in 2016).

The workbook mixes the accepted forms of SPEC §3 on purpose: the enterprises and
sales sheets use Chinese sheet names and headers (企业信息, 年销售额), the leases
and loans sheets English keys, data_lines an English sheet name with Chinese
headers; dates are real date cells and text (``2015/3/1``, ``2016.4.1``,
``2016-04-01``, ``2015年6月1日``); yes/no is 是/否, Y/N, yes/no and an Excel boolean; amounts are
numbers and text (``¥190,000.00``, ``1,250,000,000.00``).

What each enterprise is meant to show (E-number = its order in 企业信息, so
enterprise En is on Excel row n + 1), and the statuses expected in 2016 — every
measure not listed is ``ineligible``:
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHOWCASE: list[tuple[str, str, str]] = [
    # (enterprise, what it shows, expected statuses in 2016)
    (
        "E01",
        "newly settled 2015-07-01; the 2016 lease crosses the first anniversary (60% → 30% on 2016-07-01)",
        "rent payable 53,901.64",
    ),
    (
        "E02",
        "settled on 2016-02-29: first anniversary 2017-02-28; lease dates as text 2016年3月1日",
        "rent payable 110,160.00",
    ),
    (
        "E03",
        "two overlapping planned-building leases, 1,500 + 1,000 m² > 2,000 m² cap from 2016-07-01",
        "rent payable 285,840.00",
    ),
    (
        "E04",
        "newly settled, but its only lease is not in a planned business building",
        "all ineligible (rent: no planned-building lease)",
    ),
    ("E05", "spun off from a traditional enterprise, operating since 2015年6月1日", "spin_off payable 20,000.00"),
    (
        "E06",
        "data-line fee 150,000 in 2016: 30% = 45,000, below the 100,000 cap (period 2016–2017)",
        "data_line payable 45,000.00",
    ),
    (
        "E07",
        "data-line fees 210,000 + ¥190,000.00 in 2016: 30% = 120,000, capped at 100,000 (period 2015–2016)",
        "data_line payable 100,000.00",
    ),
    ("E08", "annual sales first cross 50 million in 2016 (38 m → 62.5 m)", "sales_milestone pending (tier 50,000,000)"),
    (
        "E09",
        "sales cross 50 million and 100 million at once in 2016: only the highest tier counts",
        "sales_milestone pending (tier 100,000,000)",
    ),
    (
        "E10",
        "national demonstration enterprise; key-project loans drawn 2014-06-15 (2012-07-06 rates) "
        "and 2015-04-10; one non-key loan",
        "demo_priority flag; loan_interest payable 107,111.11",
    ),
    (
        "E11",
        "municipal demonstration enterprise; a loan across the 2015/2016 year end and one whose "
        "interest_paid is below the benchmark interest",
        "demo_priority flag; loan_interest payable 39,860.00",
    ),
    (
        "E12",
        "enjoys micro-enterprise support: rent, data_line and sales_milestone excluded (二（七）)",
        "all ineligible (micro_support)",
    ),
    (
        "E13",
        "not an e-commerce legal entity (settled 2016.4.1, spun off): excluded (二（七）)",
        "all ineligible (not_ecommerce_entity)",
    ),
    (
        "E14",
        "renowned enterprise with a western operations centre; sales first cross 1 billion in 2016",
        "key_support flag; sales_milestone pending (tier 1,000,000,000)",
    ),
    ("E15", "cultivated by the city as a key enterprise (市重点培育)", "key_support flag"),
    (
        "E16",
        "regional logistics centre but not renowned; settled 2014-08-01, before the policy start",
        "all ineligible",
    ),
    ("E17", "INPUT ERROR: one of its two lease rows has a negative area", "rent blocked"),
    (
        "E18",
        "INPUT WARNING: credit code with a wrong check character (still computed); data-line fee 80,000",
        "data_line payable 24,000.00",
    ),
    (
        "E19",
        "spun off, operating only since 2016-09-01 (reward due in 2017); sales above 50 million already in 2015",
        "all ineligible",
    ),
    (
        "E20",
        "settled 2015/3/1 (text date): 60% to 2016-02-29, 30% from 2016-03-01; leases of exactly 2,000 m²",
        "rent payable 83,968.20",
    ),
]

PLANTED_ISSUES: list[tuple[str, int | None, str | None, str, str]] = [
    # (sheet, Excel row, column key, severity, what)
    ("enterprises", None, None, "notice", "extra column 备注 (remarks) is ignored"),
    ("enterprises", 19, "credit_code", "warning", "E18: wrong check character; the enterprise is still computed"),
    ("leases", 15, "area_m2", "error", "E17: negative area -300; E17's rent is blocked"),
    ("data_lines", 10, "credit_code", "error", "a data-line row for an enterprise not in 企业信息"),
]

YEAR = 2016

# --- credit codes (GB 32100-2015) ------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def check_char(code17: str) -> str:
    """The check character: weights 3^i mod 31, check value (31 − Σ value×weight mod 31) mod 31."""
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(code17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def credit_code(n: int) -> str:
    """A valid, fictional code for enterprise n: 91 (enterprise) 500223 (潼南) MA6…"""
    base = f"91500223MA6{n:02d}P{n * 37 % 1000:03d}"
    return base + check_char(base)


def wrong_check(code: str) -> str:
    """The same code with its check character replaced by the next one in the alphabet."""
    return code[:-1] + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % len(USCC_ALPHABET)]


C = {f"E{n:02d}": credit_code(n) for n in range(1, 22)}
C["E18"] = wrong_check(C["E18"])  # planted: wrong check character (a warning)
UNKNOWN = C.pop("E21")  # planted: a data line for an enterprise missing from 企业信息

D = date  # real date cells; text dates are written as str

# --- 企业信息 (enterprises): Chinese sheet name and headers -------------------------------

ENTERPRISE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "电子商务法人企业",
    "落户日期",
    "享受微企扶持",
    "机构类型",
    "国内外知名企业",
    "市重点培育",
    "示范企业级别",
    "特色传统企业分离设立",
    "开始运营日期",
    "备注",
]
# 企业名称, 电子商务法人企业, 落户日期, 享受微企扶持, 机构类型, 国内外知名企业, 市重点培育,
# 示范企业级别, 特色传统企业分离设立, 开始运营日期
ENTERPRISES: dict[str, tuple[object, ...]] = {
    "E01": ("重庆潼南渝味坊电子商务有限公司", "是", D(2015, 7, 1), "否", "", "", "", "", "", ""),
    "E02": ("潼南闰日电子商务有限公司", "是", D(2016, 2, 29), "", "", "", "", "", "", ""),
    "E03": ("潼南云仓电子商务有限公司", "是", D(2016, 1, 1), "否", "", "否", "否", "", "否", ""),
    "E04": ("潼南田园优选电子商务有限公司", "是", D(2016, 3, 15), "", "", "", "", "", "", ""),
    "E05": ("潼南柠檬小镇电子商务有限公司", "是", "", "", "", "", "", "", "是", "2015年6月1日"),
    "E06": ("潼南菜乡网络科技有限公司", "是", "", "", "", "", "", "", "", ""),
    "E07": ("潼南数联电子商务有限公司", "是", "", "", "", "", "", "", "", ""),
    "E08": ("潼南涪江优品电子商务有限公司", "是", "", "", "", "", "", "", "", ""),
    "E09": ("潼南双江古镇电子商务有限公司", "是", "", "", "", "", "", "", "", ""),
    "E10": ("潼南国示电子商务股份有限公司", "是", "", "", "", "", "", "国家级", "", ""),
    "E11": ("潼南市示供应链管理有限公司", "是", "", "", "", "", "", "市级", "", ""),
    "E12": ("潼南小微网店电子商务有限公司", "是", D(2016, 5, 1), "是", "", "", "", "", "", ""),
    "E13": ("潼南菜籽油加工有限公司", "否", "2016.4.1", "否", "", "", "", "", "是", D(2015, 1, 1)),
    "E14": ("潼南华西优购电子商务有限公司", "是", "", "", "西部营运中心", "是", "", "", "", ""),
    "E15": ("潼南渝新农电子商务有限公司", "是", "", "", "", "", "是", "", "", ""),
    "E16": ("潼南通达物流配送有限公司", "是", D(2014, 8, 1), "否", "区域性物流配送中心", "否", "否", "", "", ""),
    "E17": ("潼南太安电子商务有限公司", "是", D(2016, 1, 10), "否", "", "", "", "", "", ""),
    "E18": ("潼南老码电子商务有限公司", "是", "", "", "", "", "", "", "", ""),
    "E19": ("潼南蔬菜集团电子商务有限公司", "是", "", "", "", "", "", "", "是", D(2016, 9, 1)),
    "E20": ("潼南柏梓电子商务有限公司", "是", "2015/3/1", "", "", "", "", "", "", ""),
}

# --- leases: English sheet name and keys, yes/no as Y/N ------------------------------------

LEASE_HEADERS = ["credit_code", "building", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"]
PARK_A, PARK_B, PARK_C, PARK_D = (f"潼南电子商务产业园{x}栋" for x in "ABCD")
LEASES: list[tuple[str, str, str, object, object, object, object]] = [
    ("E01", PARK_A, "Y", 1200, D(2015, 7, 1), D(2015, 12, 31), 60000),
    ("E01", PARK_A, "Y", 1200, D(2016, 1, 1), D(2016, 12, 31), 120000),
    ("E01", PARK_A, "Y", 1200, D(2017, 1, 1), D(2017, 6, 30), 60000),
    ("E02", PARK_B, "Y", 500, "2016年3月1日", "2017年2月28日", 219000),
    ("E02", PARK_B, "Y", 500, "2017年3月1日", "2018年2月28日", 219000),
    ("E03", PARK_C, "Y", 1500, D(2016, 1, 1), D(2016, 12, 31), 366000),
    ("E03", PARK_D, "Y", 1000, D(2016, 7, 1), D(2016, 12, 31), 184000),
    ("E03", PARK_C, "Y", 1500, D(2017, 1, 1), D(2017, 12, 31), 365000),
    ("E04", "双江仓储园3号库", "N", 3000, D(2016, 3, 15), D(2017, 3, 14), 180000),
    ("E12", PARK_A, "Y", 120, D(2016, 5, 1), D(2017, 4, 30), 36000),
    ("E13", "潼南工业园区办公楼", "Y", 300, "2016-04-01", "2017-03-31", 54000),
    ("E16", "潼南物流园综合楼", "Y", 600, D(2016, 1, 1), D(2016, 12, 31), 72000),
    ("E17", PARK_B, "Y", 800, D(2016, 1, 10), D(2017, 1, 9), 96000),
    ("E17", PARK_B, "Y", -300, D(2016, 1, 10), D(2017, 1, 9), 36000),  # planted: negative area
    ("E20", PARK_A, "Y", 2000, "2015/3/1", "2016/2/29", "240,000.00"),
    ("E20", PARK_A, "Y", 2000, "2016/3/1", "2017/2/28", "240,000.00"),
]

# --- data_lines: English sheet name, Chinese headers ----------------------------------------

DATA_LINE_HEADERS = ["统一社会信用代码", "年度", "实付租赁费"]
DATA_LINES: list[tuple[str, object, object]] = [
    ("E06", 2016, 150000),
    ("E06", 2017, 160000),
    ("E07", 2015, 380000),
    ("E07", 2016, 210000),
    ("E07", "2016年", "¥190,000.00"),
    ("E07", 2017, 420000),
    ("E12", 2016, 50000),
    ("E18", 2016, 80000),
    ("UNKNOWN", 2016, 60000),  # planted: credit code not in 企业信息
]

# --- 年销售额 (sales): Chinese sheet name and headers ------------------------------------------

SALES_HEADERS = ["统一社会信用代码", "年度", "年销售额"]
SALES: list[tuple[str, int, object]] = [
    ("E08", 2014, 21000000),
    ("E08", 2015, 38000000),
    ("E08", 2016, 62500000),
    ("E08", 2017, 98000000),
    ("E09", 2015, 45000000),
    ("E09", 2016, 130000000),
    ("E12", 2016, 60000000),
    ("E14", 2015, 800000000),
    ("E14", 2016, "1,250,000,000.00"),
    ("E19", 2015, 55000000),
    ("E19", 2016, 70000000),
]

# --- 贷款 (loans): Chinese sheet name, English keys; yes/no, an Excel boolean ------------------

LOAN_HEADERS = ["credit_code", "loan_id", "key_project", "principal", "drawdown_date", "maturity_date", "interest_paid"]
LOANS: list[tuple[str, str, object, object, object, object, object]] = [
    ("E10", "TN-2014-0615", "yes", 3000000, D(2014, 6, 15), D(2017, 6, 15), 184500),
    ("E10", "TN-2015-0410", "yes", 2000000, D(2015, 4, 10), D(2016, 4, 10), ""),
    ("E10", "TN-2016-0120", "no", 1000000, D(2016, 1, 20), D(2017, 1, 20), 43500),
    ("E11", "CQ-2015-1116", True, 1200000, D(2015, 11, 16), D(2016, 5, 16), 19720),
    ("E11", "CQ-2015-0901", "yes", 3000000, "2015-09-01", "2018-09-01", "60,000.00"),
]


def _code(key: str) -> str:
    return UNKNOWN if key == "UNKNOWN" else C[key]


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list[object]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for position, header in enumerate(headers, start=1):
        width = max(len(str(header)) * 2, 12)
        if header in ("统一社会信用代码", "credit_code"):
            width = 22
        elif header in ("企业名称", "building", "备注"):
            width = 34 if header != "备注" else 60
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"


def build() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    shows = {key: what for key, what, _ in SHOWCASE}
    enterprise_rows = []
    for key, (name, ecommerce, settled, micro, hq, renowned, city, demo, spun, since) in ENTERPRISES.items():
        enterprise_rows.append(
            [name, C[key], ecommerce, settled, micro, hq, renowned, city, demo, spun, since, f"{key}: {shows[key]}"]
        )
    _sheet(book, "企业信息", ENTERPRISE_HEADERS, enterprise_rows)
    _sheet(book, "leases", LEASE_HEADERS, [[_code(k), *rest] for k, *rest in LEASES])
    _sheet(book, "data_lines", DATA_LINE_HEADERS, [[_code(k), *rest] for k, *rest in DATA_LINES])
    _sheet(book, "年销售额", SALES_HEADERS, [[_code(k), *rest] for k, *rest in SALES])
    _sheet(book, "贷款", LOAN_HEADERS, [[_code(k), *rest] for k, *rest in LOANS])
    fixed = datetime(2016, 1, 1)
    book.properties.creator = "tongnan-calc examples/make_example.py"
    book.properties.title = "tongnan-calc example batch (year 2016)"
    book.properties.created = book.properties.modified = fixed
    return book


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path(__file__).with_name("example.xlsx")
    build().save(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
