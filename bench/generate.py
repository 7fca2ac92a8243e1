"""Deterministic synthetic batches for the benchmark: an input workbook and a ledger.

    python bench/generate.py 10000 [--seed 1] [--year 2016] [--out bench/out]

writes ``bench/out/batch-N-sSEED.xlsx`` (sheets enterprises, leases, data_lines,
sales, loans in the ratios 1 : 1 : 1 : 3 : 0.2), ``bench/out/history-N-sSEED.xlsx``
(sheet ``payouts``: payouts of earlier years) and ``bench/out/ledger-N-sSEED.sqlite``
(that history imported with ``tongnan_calc.ledger.import_history``).

Everything comes from ``random.Random(seed)``: the same N and seed give the same
cell values.  The values are meant to look like a real province-scale batch and to
exercise every measure and status: newly settled enterprises with leases in
planned buildings (some over the 2,000 m² cap, some across the first anniversary),
spin-offs, data-line fees over and under the cap, sales crossing one or several
tiers, demonstration enterprises with key-project loans (some drawn before the
2015 rate changes, some with interest_paid below the formula), micro-support and
non-e-commerce exclusions, prior payouts in the ledger, and a few bad cells (about
one row in two thousand) that become input issues and block measures.

The workbooks are written with xlsxwriter in constant-memory mode (fast, small);
xlsxwriter is needed only here, in the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from tongnan_calc.input import uscc

GENERATOR_VERSION = 2  # 2: no sales-milestone payout before FIRST_RULE_YEAR
FIRST_RULE_YEAR = 2015  # the rule file's first values are in force from 2015-01-01
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"

ENTERPRISE_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "电子商务法人企业",
    "落户日期",
    "享受微企扶持",
    "机构类型",
    "国内外知名企业",
    "市重点培育",
    "示范企业级别",
    "特色传统企业分离设立",
    "开始运营日期",
)
LEASE_HEADERS = ("统一社会信用代码", "楼宇名称", "规划商务楼宇", "租用面积", "租期起", "租期止", "实付租金")
DATA_LINE_HEADERS = ("统一社会信用代码", "年度", "实付租赁费")
SALES_HEADERS = ("统一社会信用代码", "年度", "年销售额")
LOAN_HEADERS = (
    "统一社会信用代码",
    "贷款编号",
    "重点建设项目",
    "贷款本金",
    "放款日期",
    "到期日期",
    "当年实付利息",
)
HQ_TYPES = ("全国性总部", "西部营运中心", "区域性物流配送中心", "结算中心")
BUILDINGS = ("潼南电子商务产业园", "潼南电商大厦", "江北商务中心", "桂林街道创业楼", "梓潼商务楼")
NAME_PARTS = ("渝味", "菜乡", "柠檬", "涪江", "双江", "柏梓", "太安", "古溪", "宝龙", "田园", "云仓", "数联")
BAD_ROW_RATE = 1 / 2000


def credit_code(n: int) -> str:
    """A valid, fictional credit code for enterprise ``n`` (Tongnan: 500223)."""
    digits, rest = "", n
    for _ in range(7):
        rest, value = divmod(rest, len(uscc.ALPHABET))
        digits = uscc.ALPHABET[value] + digits
    body = f"91500223MA{digits}"
    return body + uscc.check_char(body)


def day_in(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def money(rng: random.Random, low: float, high: float) -> float:
    """An amount in yuan with at most two decimals, as a spreadsheet holds it."""
    return round(rng.uniform(low, high), 2)


@dataclass
class Counts:
    enterprises: int = 0
    leases: int = 0
    data_lines: int = 0
    sales: int = 0
    loans: int = 0
    payouts: int = 0

    @property
    def input_rows(self) -> int:
        return self.enterprises + self.leases + self.data_lines + self.sales + self.loans


@dataclass
class Ent:
    code: str
    settled: date | None
    newly: bool
    demo: str
    spun_off: bool


class Writer:
    """One xlsxwriter workbook in constant-memory mode, sheet by sheet."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.date_format = self.book.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(self, name: str, headers: tuple[str, ...]) -> xlsxwriter.worksheet.Worksheet:
        ws = self.book.add_worksheet(name)
        ws.write_row(0, 0, headers)
        return ws

    def row(self, ws: xlsxwriter.worksheet.Worksheet, index: int, values: tuple[object, ...]) -> None:
        for col, value in enumerate(values):
            if isinstance(value, date):
                ws.write_datetime(index, col, value, self.date_format)
            elif isinstance(value, str):
                ws.write_string(index, col, value)
            elif value is None:
                continue
            else:
                ws.write(index, col, value)

    def close(self) -> None:
        self.book.close()


def generate(n: int, seed: int, year: int, out: Path) -> tuple[Path, Path, Counts]:
    """Write the batch and history workbooks; return their paths and the row counts."""
    rng = random.Random(seed)
    counts = Counts()
    batch = out / f"batch-{n}-s{seed}.xlsx"
    history = out / f"history-{n}-s{seed}.xlsx"
    writer = Writer(batch)
    start = date(2015, 1, 1)
    ents: list[Ent] = []

    ws = writer.sheet("企业信息", ENTERPRISE_HEADERS)
    for i in range(n):
        code = credit_code(i + 1)
        ecommerce = rng.random() < 0.85
        roll = rng.random()
        if roll < 0.35:  # settled around the policy start: newly settled or just before
            settled: date | None = day_in(rng, date(year - 2, 6, 1), date(year, 11, 30))
        elif roll < 0.75:
            settled = day_in(rng, date(2005, 1, 1), date(year - 2, 5, 31))
        else:
            settled = None
        newly = settled is not None and settled >= start and ecommerce
        micro = rng.random() < 0.08
        hq = HQ_TYPES[rng.randrange(4)] if rng.random() < 0.04 else ""
        renowned = rng.random() < (0.5 if hq else 0.01)
        city_key = rng.random() < 0.02
        demo_roll = rng.random()
        demo = "国家级" if demo_roll < 0.02 else "市级" if demo_roll < 0.08 else ""
        spun_off = rng.random() < 0.04
        operating = day_in(rng, date(year - 4, 1, 1), date(year, 12, 31)) if spun_off else None
        yes_no = ("是", "否") if rng.random() < 0.9 else ("Y", "N")
        values: tuple[object, ...] = (
            code,
            f"重庆潼南{NAME_PARTS[i % len(NAME_PARTS)]}{i + 1}号电子商务有限公司",
            yes_no[0] if ecommerce else yes_no[1],
            "" if settled is None else settled,
            yes_no[0] if micro else ("" if rng.random() < 0.5 else yes_no[1]),
            hq,
            "是" if renowned else "",
            "是" if city_key else "",
            demo,
            "是" if spun_off else "",
            "" if operating is None else operating,
        )
        if rng.random() < BAD_ROW_RATE:  # a bad cell: an unknown choice (the enterprise is dropped)
            values = (*values[:8], "省级", *values[9:])
        writer.row(ws, i + 1, values)
        ents.append(Ent(code, settled, newly, demo, spun_off))
    counts.enterprises = n

    newly = [e for e in ents if e.newly]
    demos = [e for e in ents if e.demo]

    ws = writer.sheet("办公租赁", LEASE_HEADERS)
    for i in range(n):
        ent = rng.choice(newly) if newly and rng.random() < 0.8 else rng.choice(ents)
        base = ent.settled if ent.settled is not None and ent.settled >= start else date(year - 1, 1, 1)
        period_start = day_in(rng, base, base + timedelta(days=540))
        months = rng.choice((3, 6, 6, 12, 12, 12, 24))
        period_end = period_start + timedelta(days=months * 30 + rng.randrange(-2, 3))
        area = round(rng.uniform(40, 1600), rng.choice((0, 0, 1, 2)))
        rent = round(area * rng.uniform(0.8, 2.5) * ((period_end - period_start).days + 1), 2)
        values = (
            ent.code,
            BUILDINGS[rng.randrange(len(BUILDINGS))],
            "是" if rng.random() < 0.85 else "否",
            area,
            period_start,
            period_end if rng.random() < 0.97 else period_end.strftime("%Y/%-m/%-d"),
            rent if rng.random() < 0.95 else f"¥{rent:,.2f}",
        )
        if rng.random() < BAD_ROW_RATE:  # a negative area: the enterprise's rent is blocked
            values = (*values[:3], -area, *values[4:])
        writer.row(ws, i + 1, values)
    counts.leases = n

    ws = writer.sheet("数据专线", DATA_LINE_HEADERS)
    for i in range(n):
        ent = rng.choice(ents)
        fee_year = rng.choice((year - 2, year - 1, year, year, year))
        fee = money(rng, 5_000, 420_000) if rng.random() < 0.97 else 0.0
        values = (ent.code, fee_year, fee)
        if rng.random() < BAD_ROW_RATE:  # an enterprise missing from 企业信息
            values = (credit_code(n + 1 + i), fee_year, fee)
        writer.row(ws, i + 1, values)
    counts.data_lines = n

    ws = writer.sheet("年销售额", SALES_HEADERS)
    row = 1
    for ent in ents:
        level = rng.lognormvariate(15.4, 1.3)  # median about 5 million yuan
        for sales_year in (year - 2, year - 1, year):
            level *= rng.uniform(0.8, 1.9)
            values = (ent.code, sales_year, round(level, 2))
            if rng.random() < BAD_ROW_RATE:  # text that is not an amount
                values = (ent.code, sales_year, "约五千万")
            writer.row(ws, row, values)
            row += 1
    counts.sales = row - 1

    ws = writer.sheet("贷款", LOAN_HEADERS)
    loans = max(1, n // 5)
    for i in range(loans):
        ent = rng.choice(demos) if demos and rng.random() < 0.6 else rng.choice(ents)
        drawdown = day_in(rng, date(year - 4, 1, 1), date(year, 10, 31))
        months = rng.choice((6, 12, 12, 24, 36, 60, 96))
        maturity = drawdown + timedelta(days=months * 30 + rng.randrange(0, 5))
        principal = float(rng.randrange(10, 5000) * 10_000)
        interest = money(rng, 10_000, principal * 0.06) if rng.random() < 0.5 else None
        values = (
            ent.code,
            f"L{year}-{i + 1:06d}",
            "是" if rng.random() < 0.75 else "否",
            principal,
            drawdown,
            maturity,
            "" if interest is None else interest,
        )
        if rng.random() < BAD_ROW_RATE:  # maturity before drawdown
            values = (*values[:5], drawdown - timedelta(days=30), *values[6:])
        writer.row(ws, i + 1, values)
    counts.loans = loans
    writer.close()

    counts.payouts = _history(rng, ents, year, history)
    return batch, history, counts


def _history(rng: random.Random, ents: list[Ent], year: int, path: Path) -> int:
    """Payouts of earlier years, as a clerk would import them (sheet ``payouts``)."""
    writer = Writer(path)
    ws = writer.sheet("payouts", ("credit_code", "year", "measure", "tier", "amount"))
    row = 1
    for ent in ents:
        roll = rng.random()
        lines: list[tuple[object, ...]] = []
        if roll < 0.06:
            lines.append((ent.code, year - 1, "data_line", "", money(rng, 1_500, 100_000)))
        if ent.spun_off and rng.random() < 0.3:
            lines.append((ent.code, year - 1, "spin_off", "", 20_000))
        if 0.06 <= roll < 0.08:
            # a tier is paid in a year the tiers are in force (rules.yaml: from 2015); the same draw as before
            paid_in = max(rng.choice((year - 2, year - 1)), FIRST_RULE_YEAR)
            lines.append((ent.code, paid_in, "sales_milestone", 50_000_000, 100_000))
        if ent.demo and rng.random() < 0.3:
            lines.append((ent.code, year - 1, "loan_interest", "", money(rng, 10_000, 495_000)))
        for values in lines:
            writer.row(ws, row, values)
            row += 1
    writer.close()
    return row - 1


def ledger_for(history: Path, ledger: Path) -> None:
    from tongnan_calc.ledger import import_history, init_ledger

    if ledger.exists():
        ledger.unlink()
    init_ledger(ledger)  # only `ledger init` creates a ledger; an import into a missing one is refused
    report = import_history(ledger, history)
    if not report.imported:
        raise SystemExit(f"history import failed: {report.issues[:3]}")


@dataclass(frozen=True)
class Batch:
    workbook: Path
    ledger: Path
    counts: Counts


def ensure(n: int, seed: int = 1, year: int = 2016, out: Path = DEFAULT_OUT) -> Batch:
    """The batch for (n, seed, year), generated once and reused (a stamp file records the version)."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = out / f"batch-{n}-s{seed}.stamp"
    ledger = out / f"ledger-{n}-s{seed}.sqlite"
    workbook = out / f"batch-{n}-s{seed}.xlsx"
    wanted = f"{GENERATOR_VERSION} {year}"
    if stamp.exists() and workbook.exists() and ledger.exists():
        text = stamp.read_text().split()
        if " ".join(text[:2]) == wanted:
            counts = Counts(*map(int, text[2:]))
            return Batch(workbook, ledger, counts)
    began = time.perf_counter()
    workbook, history, counts = generate(n, seed, year, out)
    ledger_for(history, ledger)
    stamp.write_text(
        f"{wanted} {counts.enterprises} {counts.leases} {counts.data_lines} {counts.sales} {counts.loans}"
        f" {counts.payouts}\n"
    )
    print(
        f"generated {workbook.name} ({counts.input_rows} rows) in {time.perf_counter() - began:.1f} s", file=sys.stderr
    )
    return Batch(workbook, ledger, counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("enterprises", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    batch = ensure(args.enterprises, args.seed, args.year, args.out)
    print(f"{batch.workbook}\n{batch.ledger}\n{batch.counts}")


if __name__ == "__main__":
    main()
