"""A decompression-heavy workbook for measuring the reader's peak memory (issue 16).

    python bench/heavy.py 500 [--out bench/out/heavy-500.xlsx]

writes an .xlsx of a few MiB whose shared strings expand to about that many MiB: enterprises
whose names are 32,000-character strings (distinct, compressible about 200:1, under the
1000:1 ratio guard), as Excel stores long text.  Measure a run on it with
``/usr/bin/time -v tongnan-calc run FILE --year 2016 --no-ledger --json /dev/null``
(``Maximum resident set size``).  The builder is ``long_strings_xlsx`` of tests/hostile.py.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hostile import long_strings_xlsx  # noqa: E402

LENGTH = 32_000  # characters per name (Excel allows 32,767 in a cell)
BYTES_PER_STRING = LENGTH * 3  # UTF-8 of the Chinese text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mib", type=int, help="expanded size of the shared strings, in MiB")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or HERE / "out" / f"heavy-{args.mib}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    strings = max(1, args.mib * (1 << 20) // BYTES_PER_STRING)
    long_strings_xlsx(out, strings=strings, length=LENGTH)
    infos = zipfile.ZipFile(out).infolist()
    expanded = sum(info.file_size for info in infos)
    print(f"{out}: {out.stat().st_size:,} bytes expanding to {expanded:,} ({strings:,} names of {LENGTH:,} characters)")


if __name__ == "__main__":
    main()
