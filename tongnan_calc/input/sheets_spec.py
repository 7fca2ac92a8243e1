"""The input workbook's sheets and columns (SPEC §3), as a declarative table.

``SHEETS`` names each sheet and its columns (key, Chinese header, required, converter of
``cells``) and the record a row becomes; ``EXAMPLE_CODE`` is the template's fictional
credit code, refused in every sheet.  Also the small naming helpers the reader's messages
share: sheet and header look-up keys, labels in both languages, Excel column letters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tongnan_calc.core.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    DataLine,
    Enterprise,
    Lease,
    Loan,
    Sale,
)
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.uscc import Checked, check_char

# --- sheets and columns (SPEC §3) ----------------------------------------------------

Converter = Callable[[Cell, bool], object]
"""A converter of ``cells``: (raw cell, required) -> value or ``Bad``."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool
    convert: Converter


@dataclass(frozen=True, slots=True)
class SheetSpec:
    key: str
    header: str
    columns: tuple[Column, ...]
    record: type[Any]


EXAMPLE_CODE17: Final = "91500223EXAMPLE00"
EXAMPLE_CODE: Final = EXAMPLE_CODE17 + check_char(EXAMPLE_CODE17)
"""The fictional credit code of the example rows of ``tongnan-calc template`` (a valid
GB 32100-2015 code): the reader refuses it, in every sheet, so that an example row a
clerk forgot to delete is never paid."""
MSG_EXAMPLE_ROW: Final = "the template's example row: delete it before the run"
MSG_EXAMPLE_ROW_ZH: Final = "这是模板自带的虚构示例行：计算前请删除本行"


def _credit_code_converter(raw: Cell, required: bool) -> object:
    checked = cells.to_credit_code(raw)
    if isinstance(checked, Checked) and checked.code == EXAMPLE_CODE:
        return Bad(MSG_EXAMPLE_ROW, MSG_EXAMPLE_ROW_ZH)
    return checked


EXPECT_BANK_ACCOUNT: Final = "the account as text (typed as a number it has lost digits: format the column as text)"
EXPECT_BANK_ACCOUNT_ZH: Final = "以文本填写的银行账号（作为数字输入已丢失位数：请将该列设为文本后重新填写）"


def _bank_account(raw: Cell, required: bool) -> object:
    """A bank account, kept exactly as written (text, spaces and letters included).  A number is taken
    only while Excel holds it exactly: a whole number below 10^15 (no exponent); a larger one, or one
    with decimals, has lost digits and is an input error (a lost leading zero cannot be seen)."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 10**15:
        return str(raw)
    if isinstance(raw, float) and raw.is_integer() and 0 <= raw < 1e15:
        return str(int(raw))
    return cells.bad(EXPECT_BANK_ACCOUNT, raw, EXPECT_BANK_ACCOUNT_ZH)


CREDIT_CODE: Final = Column("credit_code", "统一社会信用代码", True, _credit_code_converter)

SHEETS: Final[tuple[SheetSpec, ...]] = (
    SheetSpec(
        ENTERPRISES,
        "企业信息",
        (
            CREDIT_CODE,
            Column("name", "企业名称", True, cells.to_text),
            Column("ecommerce_entity", "电子商务法人企业", True, cells.to_yes_no),
            Column("settled_on", "落户日期", False, cells.to_date),
            Column("micro_support", "享受微企扶持", False, cells.to_yes_no),
            Column("hq_type", "机构类型", False, cells.to_hq_type),
            Column("renowned", "国内外知名企业", False, cells.to_yes_no),
            Column("city_key", "市重点培育", False, cells.to_yes_no),
            Column("demo_level", "示范企业级别", False, cells.to_demo_level),
            Column("spun_off", "特色传统企业分离设立", False, cells.to_yes_no),
            Column("operating_since", "开始运营日期", False, cells.to_date),
            Column("bank_name", "开户银行", False, cells.to_text),
            Column("bank_account", "银行账号", False, _bank_account),
        ),
        Enterprise,
    ),
    SheetSpec(
        LEASES,
        "办公租赁",
        (
            CREDIT_CODE,
            Column("building", "楼宇名称", False, cells.to_text),
            Column("planned_building", "规划商务楼宇", True, cells.to_yes_no),
            Column("area_m2", "租用面积", True, cells.to_positive),
            Column("period_start", "租期起", True, cells.to_date),
            Column("period_end", "租期止", True, cells.to_date),
            Column("rent_paid", "实付租金", True, cells.to_amount),
        ),
        Lease,
    ),
    SheetSpec(
        DATA_LINES,
        "数据专线",
        (
            CREDIT_CODE,
            Column("year", "年度", True, cells.to_year),
            Column("fee_paid", "实付租赁费", True, cells.to_amount),
        ),
        DataLine,
    ),
    SheetSpec(
        SALES,
        "年销售额",
        (
            CREDIT_CODE,
            Column("year", "年度", True, cells.to_year),
            Column("sales", "年销售额", True, cells.to_amount),
        ),
        Sale,
    ),
    SheetSpec(
        LOANS,
        "贷款",
        (
            CREDIT_CODE,
            Column("loan_id", "贷款编号", True, cells.to_text),
            Column("key_project", "重点建设项目", True, cells.to_yes_no),
            Column("principal", "贷款本金", True, cells.to_amount),
            Column("drawdown_date", "放款日期", True, cells.to_date),
            Column("maturity_date", "到期日期", True, cells.to_date),
            Column("interest_paid", "当年实付利息", False, cells.to_amount),
        ),
        Loan,
    ),
)
_COLUMNS: Final[dict[str, dict[str, Column]]] = {
    spec.key: {column.key: column for column in spec.columns} for spec in SHEETS
}
SHEET_ORDER: Final[dict[str, int]] = {spec.key: i for i, spec in enumerate(SHEETS)}
OTHER_SHEETS: Final = tuple(spec.key for spec in SHEETS if spec.key != ENTERPRISES)


def _name_key(text: str) -> str:
    """Sheet names and headers: surrounding spaces ignored, English case-insensitive."""
    return text.strip().lower()


def _lookup(names: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for target, key, header in names:
        table[_name_key(key)] = target
        table[_name_key(header)] = target
    return table


_SHEET_BY_NAME: Final = _lookup((s.key, s.key, s.header) for s in SHEETS)


def _label(key: str, header: str) -> str:
    return f"{key} ({header})"


def _label_zh(key: str, header: str) -> str:
    return f"{header}（{key}）"


def _letter(position: int) -> str:
    """Excel column letters for a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


ROWS_LISTED: Final = 5
"""At most this many other rows are named in a duplicate message."""


def _rows_text(rows: Sequence[int], own: int) -> tuple[str, str]:
    """'row 7' or 'rows 3, 7' or 'rows 3, 4, 5, 6, 7 and 12 more': the rows but ``own``
    (and in Chinese: 第7行, 第3、7行, 第3、4、5、6、7行等另外12行)."""
    listed: list[int] = []
    for row in rows:
        if row != own:
            listed.append(row)
            if len(listed) == ROWS_LISTED:
                break
    more = len(rows) - 1 - len(listed)
    numbers = ", ".join(map(str, listed)) + (f" and {more} more" if more else "")
    zh = f"第{'、'.join(map(str, listed))}行" + (f"及另外{more}行" if more else "")
    return (f"row {numbers}" if len(rows) == 2 else f"rows {numbers}"), zh
