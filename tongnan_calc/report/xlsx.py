"""The Excel payout workbook for the finance bureau (SPEC §7).

Sheets: summary (totals by measure and by lead unit: formulas over the payable
sheet, with their values cached), payable (one payout a row: 序号, Chinese names,
bank details, a 合计 row, the total in 大写, a signature block), basis (each
payable line's reason and basis, keyed by 序号), pending (with two blank columns
for the reviewer's decision), flags, blocked, ineligible lines (hidden: not
printed; the summary says so), input issues, provenance.  Every sheet prints on
A4 one page wide, its header row repeated, with a header and page numbers.
Money cells are numbers formatted ``#,##0.00``; every text cell is written as a
string (``write_string``), so input text never becomes a formula.  The file is
written to a temporary name beside the target and renamed into place.

The payout workbook is written with xlsxwriter in constant-memory mode: at
province scale (hundreds of thousands of lines) it writes the same rows about
1.5 times as fast as openpyxl's write-only mode, and in little memory.  Every
payable, pending, flag and blocked line is written; ineligible lines are written
up to ``MAX_INELIGIBLE_ROWS`` (the summary says how many were left out; the JSON
output lists them all).  The comparison workbook (``report/compare_out.py``) is
written by the same ``xlsx_book.Book``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tongnan_calc import __version__
from tongnan_calc.core.model import SHEET_NAMES_ZH, Basis, Batch, InputIssue, Line, Msg, Status
from tongnan_calc.core.money import fmt
from tongnan_calc.core.result import RunResult, require_all_lines
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import atomic_path
from tongnan_calc.report.layout import (
    BASIS,
    BASIS_COLUMNS,
    BLOCKED,
    FLAGS,
    INELIGIBLE,
    ISSUE_COLUMNS,
    ISSUES,
    PAYABLE,
    PAYABLE_COLUMNS,
    PENDING,
    PENDING_COLUMNS,
    PROVENANCE,
    PROVENANCE_COLUMNS,
    PROVENANCE_ROWS,
    STATUS_COLUMNS,
    SUMMARY,
    TOOL_NAME,
    Column,
)
from tongnan_calc.report.seal import pending_seal, seal
from tongnan_calc.report.units import lead_unit
from tongnan_calc.report.xlsx_book import FONT, Book, Print, escape, open_book
from tongnan_calc.report.xlsx_summary import payable_end, summary
from tongnan_calc.rules.tools import references_used
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import measure_name, render, status_name

WRITER = "xlsxwriter"
"""The library that writes the payout workbook (the benchmark's write floor uses the same)."""
MAX_INELIGIBLE_ROWS = 10_000
"""At most this many ineligible lines on the ineligible sheet (all of them are in the JSON)."""

SHEET_FOR_STATUS = {
    Status.PAYABLE: PAYABLE,
    Status.PENDING: PENDING,
    Status.FLAG: FLAGS,
    Status.BLOCKED: BLOCKED,
    Status.INELIGIBLE: INELIGIBLE,
}


def sheet_name(names: tuple[str, str], lang: Lang) -> str:
    return names[0] if lang == "zh" else names[1]


class PayoutWriter:
    """Writes the payout workbook while the lines are being computed.

    ``add`` takes lines as they come (in line order); ``finish`` writes the
    payable sheet's total and signature block, the input issues, the provenance,
    the summary and every sheet's print setup once the run is complete, and
    ``close`` waits until the file is in place.  ``expected_lines`` (about how many
    lines will come) chooses how the workbook is written (``xlsx_book.open_book``).
    ``banks``: credit code -> (开户银行, 银行账号), carried to the payable sheet;
    ``issuer``: the issuing unit of the signature blocks (by default the rule file's)."""

    def __init__(
        self,
        out: Path,
        lang: Lang,
        seal_key: SealKey,
        *,
        expected_lines: int = 0,
        banks: Mapping[str, tuple[str, str]] | None = None,
        issuer: str | None = None,
    ) -> None:
        self.lang = lang
        self.key = seal_key
        self.banks = banks or {}
        self.issuer = issuer
        self._files = contextlib.ExitStack()  # the temporary file, renamed onto ``out`` by ``close``
        temporary = self._files.enter_context(atomic_path(out))
        try:
            self.book: Book = open_book(temporary, expected_lines)
        except BaseException:
            self._discard()
            raise
        self._sheets = 0
        self.titles: list[str] = []
        self.summary = self._sheet(sheet_name(SUMMARY, lang))
        self.sheet_of: dict[Status, int] = {}
        self.sheet_of[Status.PAYABLE] = self._sheet(sheet_name(PAYABLE, lang), PAYABLE_COLUMNS)
        self.basis_sheet = self._sheet(sheet_name(BASIS, lang), BASIS_COLUMNS)
        for status in (Status.PENDING, Status.FLAG, Status.BLOCKED, Status.INELIGIBLE):
            shown = PENDING_COLUMNS if status is Status.PENDING else STATUS_COLUMNS
            self.sheet_of[status] = self._sheet(sheet_name(SHEET_FOR_STATUS[status], lang), shown)
        self.counts = dict.fromkeys(Status, 0)
        self.max_ineligible_rows = MAX_INELIGIBLE_ROWS
        self._reasons: dict[int, tuple[Msg, str]] = {}  # rendered once per reason object
        self._bases: dict[int, tuple[Basis, str]] = {}  # likewise for the bases ineligible lines share
        self._open = True

    def _sheet(self, title: str, columns: Sequence[Column] | None = None) -> int:
        index = self._sheets
        self._sheets += 1
        self.titles.append(title)
        self.book.apply(("sheet", title))
        if columns is not None:
            self.header(index, columns)
        return index

    def header(self, sheet: int, columns: Sequence[Column]) -> None:
        heads = [column.zh if self.lang == "zh" else column.en for column in columns]
        kinds = [column.kind for column in columns]
        self.book.apply(("header", sheet, [column.width for column in columns], heads, kinds))

    def rows(self, sheet: int, rows: list[list[object]], boxed: bool = True) -> None:
        self.book.apply(("rows", sheet, rows, boxed))

    def add(self, lines: Sequence[Line]) -> None:
        """Lines in line order; ineligible ones beyond ``MAX_INELIGIBLE_ROWS`` are counted, not written."""
        grouped: dict[Status, list[tuple[object, ...]]] = {}
        basis_rows: list[tuple[object, ...]] = []
        counts, cap = self.counts, MAX_INELIGIBLE_ROWS
        for line in lines:
            status = line.status
            counts[status] += 1
            if status is Status.INELIGIBLE and counts[status] > cap:
                continue
            rows = grouped.get(status)
            if rows is None:
                rows = grouped[status] = []
            cells = self._cells(line)
            if status is Status.PAYABLE:
                cells["seq"] = counts[status]
                basis_rows.extend(_basis_rows(cells))
                rows.append(tuple(cells[column.key] for column in PAYABLE_COLUMNS))
            else:
                shown = PENDING_COLUMNS if status is Status.PENDING else STATUS_COLUMNS
                rows.append(tuple(cells.get(column.key) for column in shown))
        for status, rows in grouped.items():
            self.book.apply(("lines", self.sheet_of[status], rows))
        if basis_rows:
            self.book.apply(("lines", self.basis_sheet, basis_rows))

    def _cells(self, line: Line) -> dict[str, object]:
        """The line's value for every field of ``layout.LINE_COLUMNS`` a sheet shows (as a cell holds it)."""
        lang = self.lang
        found = self._reasons.get(id(line.reason))
        if found is None or found[0] is not line.reason:
            if len(self._reasons) > 50_000:  # most reasons are one line's own: keep the cache small
                self._reasons.clear()
            found = self._reasons[id(line.reason)] = (line.reason, render(line.reason, lang))
        known = self._bases.get(id(line.basis))
        if known is None or known[0] is not line.basis:
            known = (line.basis, "\n".join(basis_lines(line.basis, lang)))
            if line.amount is None:
                if len(self._bases) > 50_000:
                    self._bases.clear()
                self._bases[id(line.basis)] = known
        bank = self.banks.get(line.credit_code, ("", ""))
        return {
            "credit_code": line.credit_code,
            "name": line.name,
            "measure_name": measure_name(line.measure, lang),
            "clause": line.clause,
            "status": status_name(line.status.value, lang),
            "tier": line.tier,
            "amount": line.amount,
            "lead_unit": lead_unit(line),
            "responsible": "、".join(line.responsible),
            "bank_name": bank[0],
            "bank_account": bank[1],
            "reason": found[1],
            "basis": known[1],
            "measure": line.measure,
            "seal": self.key.check(line),
        }

    def finish(self, result: RunResult) -> None:
        """The payable sheet's end, the input issues, the provenance, the summary; the print setup."""
        lang = self.lang
        issuer = self.issuer if self.issuer is not None else result.rules.issuer
        payable_end(self, result, issuer)
        _issues_sheet(self, self._sheet(sheet_name(ISSUES, lang), ISSUE_COLUMNS), result.batch.issues)
        _provenance_sheet(self, result)
        summary(self, result, issuer, self.counts[Status.PAYABLE], self.counts[Status.INELIGIBLE])
        _print_setup(self, result)

    def close(self) -> None:
        """Assemble the workbook and put it in place (atomically)."""
        self._open = False
        try:
            self.book.close()
        except BaseException:
            self._discard()
            raise
        self._files.close()

    def abort(self) -> None:
        """No workbook: remove the writer's temporary files and the workbook's."""
        if self._open:
            self._open = False
            self.book.abort()
            self._discard()

    def _discard(self) -> None:
        """Remove the temporary file without putting it in place."""
        aborted = RuntimeError("no workbook")
        with contextlib.suppress(OSError):
            self._files.__exit__(RuntimeError, aborted, None)


def _basis_rows(cells: Mapping[str, object]) -> list[tuple[object, ...]]:
    """The 计算依据 rows of a payable line: its reason, then its basis a text line a row, by 序号."""
    texts = [str(cells["reason"]), *str(cells["basis"]).split("\n")]
    first = (cells["seq"], cells["name"], cells["measure_name"], texts[0])
    return [first, *((None, None, None, text) for text in texts[1:] if text)]


def bank_details(result_or_batch: Batch) -> dict[str, tuple[str, str]]:
    """Credit code -> (开户银行, 银行账号) of the enterprises that have either."""
    return {
        r.enterprise.credit_code: (r.enterprise.bank_name, r.enterprise.bank_account)
        for r in result_or_batch.records
        if r.enterprise.bank_name or r.enterprise.bank_account
    }


def _print_setup(writer: PayoutWriter, result: RunResult) -> None:
    """A4, one page wide, header row repeated (set with the header), a header and footer on every sheet."""
    zh = writer.lang == "zh"
    left = escape(f"潼南区电子商务政策兑付 {result.year}年度" if zh else f"Tongnan e-commerce payouts {result.year}")
    right = escape(f"规则版本 {result.rules.version}" if zh else f"rules {result.rules.version}")
    footer = "&C第 &P 页 共 &N 页" if zh else "&CPage &P of &N"
    portrait = {writer.summary, writer.basis_sheet, len(writer.titles) - 1}  # the provenance is the last
    ineligible = writer.sheet_of[Status.INELIGIBLE]
    for index, title in enumerate(writer.titles):
        setup = Print(
            landscape=index not in portrait,
            header=f'&L{left}&C&"{FONT},Bold"{escape(title)}&R{right}',
            footer=footer,
            hidden=index == ineligible,
        )
        writer.book.apply(("print", index, setup))


@dataclass(frozen=True)
class SealKey:
    """What a payable line's check value (校验码) covers besides the line itself."""

    year: int
    rules_sha256: str
    input_sha256: str

    def check(self, line: Line) -> str:
        if line.status is Status.PENDING:  # `ledger record` reads a reviewer's decided amount on it
            return pending_seal(
                year=self.year,
                rules_sha256=self.rules_sha256,
                input_sha256=self.input_sha256,
                credit_code=line.credit_code,
                measure=line.measure,
                tier=line.tier,
            )
        if line.status is not Status.PAYABLE or line.amount is None:
            return ""
        return seal(
            year=self.year,
            rules_sha256=self.rules_sha256,
            input_sha256=self.input_sha256,
            credit_code=line.credit_code,
            measure=line.measure,
            tier=line.tier,
            amount=line.amount,
        )


def write_payout_workbook(result: RunResult, out: Path, lang: Lang = "zh", *, issuer: str | None = None) -> None:
    """Write the payout workbook of a finished run atomically to ``out``."""
    require_all_lines(result)  # the workbook's line sheets are written from the result's lines
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    lines, banks = len(result.lines), bank_details(result.batch)
    writer = PayoutWriter(out, lang, key, expected_lines=lines, banks=banks, issuer=issuer)
    try:
        writer.add(result.lines)
        writer.finish(result)
    except BaseException:
        writer.abort()
        raise
    writer.close()


def _issues_sheet(writer: PayoutWriter, sheet: int, issues: Sequence[InputIssue]) -> None:
    lang = writer.lang
    rows: list[tuple[object, ...]] = [
        (
            _sheet(issue.sheet, lang),
            issue.row,
            issue.column,
            issue.header,
            issue.value,
            issue.severity_text(lang),
            issue.text(lang),
        )
        for issue in issues
    ]
    writer.book.apply(("lines", sheet, rows))


def local_time(moment: datetime) -> str:
    """A moment in this machine's time zone, with its offset and the zone's name:
    ``2016-03-01T16:00:00+08:00 (CST, Asia/Shanghai)``."""
    local = moment.astimezone()
    names = [name for name in (local.tzname(), _zone_key()) if name]
    unique = list(dict.fromkeys(names))
    return local.isoformat() + (f" ({', '.join(unique)})" if unique else "")


def _zone_key() -> str:
    """The IANA name of the local zone when the machine says it ($TZ, or /etc/localtime's link)."""
    zone = os.environ.get("TZ", "").lstrip(":")
    if zone and "/" in zone and not zone.startswith("/"):
        return zone
    with contextlib.suppress(OSError):
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    return ""


def provenance_values(result: RunResult) -> dict[str, str]:
    return {
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "year": str(result.year),
        "rules_path": result.rules.path,
        "rules_version": result.rules.version,
        "rules_sha256": result.rules.sha256,
        "input_path": result.input_path,
        "input_sha256": result.input_sha256,
        "ledger": "" if result.ledger is None else result.ledger.path,
        "prior_payouts_read": "" if result.ledger is None else str(result.ledger.prior_read),
        "generated_at": local_time(result.generated_at),
        "payable_total": fmt(result.totals.payable),
        "payable_lines": str(result.totals.counts[Status.PAYABLE]),
    }


def _provenance_sheet(writer: PayoutWriter, result: RunResult) -> None:
    lang = writer.lang
    sheet = writer._sheet(sheet_name(PROVENANCE, lang), PROVENANCE_COLUMNS)
    values = provenance_values(result)
    rows: list[tuple[object, ...]] = []
    for key, zh, en in PROVENANCE_ROWS:
        shown = values[key] if values[key] or key != "ledger" else ("未使用台账" if lang == "zh" else "none")
        rows.append((key, zh if lang == "zh" else en, shown))
    rows.extend(reference_rows(result, lang))
    writer.book.apply(("lines", sheet, rows))


def reference_rows(result: RunResult, lang: Lang) -> list[tuple[object, ...]]:
    """One provenance row per rule-file value the run's lines used: ``reference``, the value, its reference."""
    bases = {id(line.basis): (line.measure, line.basis) for line in result.lines}
    uses = ((measure, p.name, p.effective) for measure, basis in bases.values() for p in basis.params)
    none = "（规则文件未注明出处）" if lang == "zh" else "(the rule file gives none)"
    return [
        (
            "reference",
            f"{used.measure}.{used.name} 自{used.effective.isoformat()}起"
            if lang == "zh"
            else f"{used.measure}.{used.name} from {used.effective.isoformat()}",
            used.reference or none,
        )
        for used in references_used(result.rules, uses)
    ]


def _sheet(key: str, lang: Lang) -> str:
    """The sheet as a clerk reads it: ``办公租赁（leases）`` in Chinese (the key: the name the sheet may have in the
    workbook), the key in English; a sheet that is not ours as it is named."""
    name = SHEET_NAMES_ZH.get(key)
    return f"{name}（{key}）" if lang == "zh" and name is not None else key
