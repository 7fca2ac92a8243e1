"""The bound on what reading a workbook may cost (tongnan_calc/input/bounds.py): its parts expand
to at most 512 MiB in all (``TONGNAN_MAX_EXPANDED_MB`` sets another bound), counted from the zip
directory and again from the bytes that actually come out while inflating (a directory can lie),
and the text its cells take from the shared strings is bounded the same way (one long shared
string in thousands of cells is copied into each).

The cases use a bound of 1 MiB and workbooks of a few MiB; the 512 MiB default is measured on
bench/heavy.py's workbook (README, "Bounded cost").
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hostile import (
    MAIN,
    Member,
    cli,
    deflated,
    long_strings_xlsx,
    raw_zip,
    run_child,
    valid_code,
    write_raw_xlsx,
)

from tongnan_calc.ledger import init_ledger, read_prior

MiB = 1 << 20
ENV = "TONGNAN_MAX_EXPANDED_MB"


def lying(path: Path, member: str, size: int) -> Path:
    """The zip at ``path`` rewritten with ``member``'s expanded size declared as ``size`` (the data
    and its CRC-32 unchanged), in the local header and in the directory."""
    members = []
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        for info in archive.infolist():
            handle.seek(info.header_offset + 26)
            name_length, extra_length = (
                int.from_bytes(handle.read(2), "little"),
                int.from_bytes(handle.read(2), "little"),
            )
            handle.seek(info.header_offset + 30 + name_length + extra_length)
            data = handle.read(info.compress_size)
            declared = size if info.filename == member else info.file_size
            members.append(Member(info.filename, data, info.CRC, declared))
    return raw_zip(path, members)


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def replaced(path: Path, member: str, content: bytes) -> Path:
    """The zip at ``path`` with ``member`` replaced by ``content`` (deflated)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return raw_zip(path, [deflated(name, content if name == member else data) for name, data in parts])


def refusal(path: Path, lang: str, limit: str = "1") -> str:
    result = cli("run", path, "--year", 2016, "--no-ledger", "--lang", lang, env={ENV: limit})
    assert (result.exit_code, result.stdout) == (2, ""), result.stderr
    return result.stderr


def declared_total(path: Path) -> int:
    return sum(info.file_size for info in zipfile.ZipFile(path).infolist())


@pytest.fixture
def names(tmp_path: Path) -> Path:
    """20 enterprises whose names are shared strings of 32,000 characters: 1.9 MiB expanded."""
    return long_strings_xlsx(tmp_path / "names.xlsx", strings=20, length=32_000)


def test_parts_past_the_bound_by_the_directory(names: Path) -> None:
    total = declared_total(names)
    assert 1 * MiB < total < 4 * MiB
    assert refusal(names, "en") == (
        f"error: {names}: refused: it expands to {total:,} bytes, more than the limit of 1 MiB: "
        f"possibly a zip bomb ({ENV} sets the limit)\n"
    )
    assert refusal(names, "zh") == (
        f"错误：{names}：拒绝读取：解压后达 {total:,} 字节，超过上限 1 MiB，可能是压缩炸弹"
        f"（上限由环境变量 {ENV} 设定）\n"
    )


def test_a_larger_bound_reads_the_same_workbook(names: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a bound of 4 MiB the workbook refused under 1 MiB is read whole, exactly as under the default
    bound (the variable unset: 512 MiB): the same JSON, each of the 20 enterprises with its whole name."""
    monkeypatch.delenv(ENV, raising=False)
    command = ("run", names, "--year", 2016, "--no-ledger", "--json", "-", "--lang", "en")
    larger, default = cli(*command, env={ENV: "4"}), cli(*command)
    assert (larger.exit_code, default.exit_code) == (0, 0), (larger.stderr, default.stderr)
    assert (larger.stdout, larger.stderr) == (default.stdout, default.stderr)
    data = json.loads(larger.stdout)
    read = {e["credit_code"]: e["name"] for e in data["entitlements"]}
    assert sorted(read) == sorted(valid_code(f"91500223MA{index:07d}") for index in range(20))
    for index in range(20):  # 企业 and six digits, then 32,000 characters
        name = read[valid_code(f"91500223MA{index:07d}")]
        assert (name[:8], len(name)) == (f"企业{index:06d}", 8 + 32_000)
    assert data["input_issues"] == []


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_directory_that_lies_is_caught_while_inflating(tmp_path: Path, member: str) -> None:
    """The directory says 1,000 bytes; the part inflates to MiB: counted as it comes out, refused."""
    if member == "xl/sharedStrings.xml":
        path = long_strings_xlsx(tmp_path / "lies.xlsx", strings=20, length=32_000)
    else:  # the long text inline in the sheet itself, read through the reader's scan
        path = long_strings_xlsx(tmp_path / "lies.xlsx", strings=1, length=10)
        sheet = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN_NS + '"><sheetData>']
        sheet.append(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        )
        for index in range(40):
            row, code = index + 2, valid_code(f"91500223MA{index:07d}")
            sheet.append(
                f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{code}</t></is></c>'
                f'<c r="B{row}" t="inlineStr"><is><t>{"名" * 16_000}</t></is></c></row>'
            )
        sheet.append("</sheetData></worksheet>")
        path = replaced(path, member, "".join(sheet).encode())
    path = lying(path, member, 1000)
    declared = declared_total(path)
    assert declared < MiB
    assert refusal(path, "en") == (
        f"error: {path}: refused: it expands to more than the limit of 1 MiB although its zip directory says "
        f"{declared:,} bytes: possibly a zip bomb ({ENV} sets the limit)\n"
    )
    assert refusal(path, "zh") == (
        f"错误：{path}：拒绝读取：解压后超过上限 1 MiB，而其 zip 目录只写了 {declared:,} 字节，可能是压缩炸弹"
        f"（上限由环境变量 {ENV} 设定）\n"
    )


def test_a_history_workbook_that_lies_is_refused_by_ledger_import(tmp_path: Path) -> None:
    """The ledger reads its workbooks without the reader's scan: the pre-pass counts the sheets too."""
    path = lying(long_strings_xlsx(tmp_path / "history.xlsx", strings=20, length=32_000), "xl/sharedStrings.xml", 9)
    declared = declared_total(path)
    ledger = tmp_path / "ledger.sqlite"
    init_ledger(ledger)  # a named ledger must exist (`ledger init`)
    result = cli("ledger", "import", path, "--ledger", ledger, "--lang", "en", env={ENV: "1"})
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}: refused: it expands to more than the limit of 1 MiB although its zip directory says "
        f"{declared:,} bytes: possibly a zip bomb ({ENV} sets the limit)\n"
    )
    assert read_prior(ledger).entries == 0


def one_string_in_many_cells(path: Path, cells: int) -> Path:
    """One shared string of 32,000 characters (96,000 bytes), the name of ``cells`` enterprises."""
    path = long_strings_xlsx(path, strings=1, length=32_000)
    sheet = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN_NS + '"><sheetData>']
    sheet.append(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c><c r="C1" t="inlineStr"><is><t>ecommerce_entity</t></is></c>'
        "</row>"
    )
    for index in range(cells):
        row, code = index + 2, valid_code(f"91500223MA{index:07d}")
        sheet.append(
            f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{code}</t></is></c>'
            f'<c r="B{row}" s="0" t="s"><v>0</v></c><c r="C{row}" t="inlineStr"><is><t>否</t></is></c></row>'
        )
    sheet.append("</sheetData></worksheet>")
    return replaced(path, "xl/worksheets/sheet1.xml", "".join(sheet).encode())


def test_one_long_shared_string_in_many_cells_is_bounded(tmp_path: Path) -> None:
    """The parts stay under 1 MiB; the 30 cells would hold 30 copies (2.7 MiB): refused."""
    path = one_string_in_many_cells(tmp_path / "copies.xlsx", 30)
    assert declared_total(path) < MiB
    assert refusal(path, "en") == (
        f"error: {path}: refused: its cells refer to more than 1 MiB of shared text in all (the same long text "
        f"in many cells): possibly a zip bomb ({ENV} sets the limit)\n"
    )
    assert refusal(path, "zh") == (
        f"错误：{path}：拒绝读取：单元格引用的共享文本合计超过上限 1 MiB（同一段长文本被大量单元格重复引用），"
        f"可能是压缩炸弹（上限由环境变量 {ENV} 设定）\n"
    )
    fewer = one_string_in_many_cells(tmp_path / "fewer.xlsx", 8)  # 0.7 MiB of copies: read
    result = cli("run", fewer, "--year", 2016, "--no-ledger", "--json", "-", "--lang", "en", env={ENV: "1"})
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "１"])
def test_a_bad_bound_is_one_line(names: Path, value: str) -> None:
    assert refusal(names, "en", value) == (
        f"error: {names}: {ENV} must be a whole number of MiB above 0, got {value!r}\n"
    )
    assert refusal(names, "zh", value) == (
        f"错误：{names}：环境变量 {ENV} 应为大于 0 的整数（单位 MiB），实际为“{value}”\n"
    )


def test_an_accepted_heavy_workbook_is_read_in_memory_proportional_to_the_bound(tmp_path: Path) -> None:
    """48 MiB of long names under a bound of 64 MiB (bench/heavy.py at 500 MiB: 1.6 GB, README)."""
    path = long_strings_xlsx(tmp_path / "heavy.xlsx", strings=48 * MiB // 96_000, length=32_000)
    expanded = declared_total(path)
    child = run_child([MAIN, "run", path, "--year", 2016, "--no-ledger", "--lang", "en"], env={ENV: "64"}, timeout=120)
    assert child.returncode == 0, child.stderr[-500:]
    assert child.peak_rss < 150 * MiB + 4 * expanded, (child.peak_rss, expanded)


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def padded_ods(path: Path, padding: int) -> Path:
    """An .ods with an enterprises table (the header only) after an XML comment of ``padding`` bytes."""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
        for name in ("credit_code", "name", "ecommerce_entity")
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><!--{"x" * padding}--><office:document-content {ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="enterprises">'
        f"<table:table-row>{cells}</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    parts = {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": manifest.encode(),
        "content.xml": content.encode(),
    }
    return raw_zip(path, [deflated(name, data) for name, data in parts.items()])


@pytest.mark.parametrize("lies", [False, True], ids=["directory", "inflated"])
def test_an_ods_past_the_bound_is_refused_too(tmp_path: Path, lies: bool) -> None:
    """An .ods (read since reader-traps) is a zip like an .xlsx: its parts are bounded the same way,
    by the directory and by the bytes that come out (it has no worksheet scan: all are inflated first)."""
    path = padded_ods(tmp_path / "batch.ods", 2 * MiB)
    if lies:
        path = lying(path, "content.xml", 1000)
        declared = declared_total(path)
        assert refusal(path, "en") == (
            f"error: {path}: refused: it expands to more than the limit of 1 MiB although its zip directory says "
            f"{declared:,} bytes: possibly a zip bomb ({ENV} sets the limit)\n"
        )
    else:
        total = declared_total(path)
        assert refusal(path, "zh") == (
            f"错误：{path}：拒绝读取：解压后达 {total:,} 字节，超过上限 1 MiB，可能是压缩炸弹"
            f"（上限由环境变量 {ENV} 设定）\n"
        )
        result = cli("run", path, "--year", 2016, "--no-ledger", "--json", "-", "--lang", "en", env={ENV: "4"})
        assert result.exit_code == 0, result.stderr  # within a larger bound the same .ods is read
        read = json.loads(result.stdout)
        assert (read["input"]["path"], read["entitlements"], read["input_issues"]) == (str(path), [], [])


def test_an_unknown_sheet_that_lies_is_counted_as_it_is_scanned(tmp_path: Path) -> None:
    """A sheet no known sheet is read to see whether it holds data (reader-traps); scanned, it is counted
    against the bound like the known sheets (check_file does not inflate the worksheets)."""
    long_rows: list[list[object]] = [["note"], *[["名" * 16_000] for _ in range(40)]]
    path = write_raw_xlsx(
        tmp_path / "notes.xlsx",
        {"enterprises": [["credit_code", "name", "ecommerce_entity"]], "notes": long_rows},
    )
    path = lying(path, "xl/worksheets/sheet2.xml", 1000)
    declared = declared_total(path)
    assert declared < MiB
    assert refusal(path, "en") == (
        f"error: {path}: refused: it expands to more than the limit of 1 MiB although its zip directory says "
        f"{declared:,} bytes: possibly a zip bomb ({ENV} sets the limit)\n"
    )
