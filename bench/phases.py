"""Time one run's phases in one process: read, compute, JSON (the GC paused, as the command pauses it).

    python bench/phases.py 500 [--year 2016] [--runs 3]
    python bench/phases.py 100000 --read-bound --runs 3

Generates the batch if needed (``bench/generate.py``). Each run prints the wall and CPU seconds of
reading the workbook and the ledger (``shell.run.read_inputs``), computing every line
(``shell.run.compute``) and writing the JSON document to a file (``report.json_out.chunks``).

``--read-bound`` instead times the reader three ways, in turn: the calamine read floor
(``floor.py read``), the reader up to its converted and checked columns (records, enterprises and the
join made no-ops: the least a columnar reader with the same checks and messages would do), and the
whole reader. Each of the three in its own process. Round 9 of bench/README.md quotes both.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import DEFAULT_OUT, ensure  # noqa: E402

_NO_RECORDS = ("_take_records", "_take_enterprises", "_records", "_dropped_notices")


def phases(workbook: Path, ledger: Path, year: int) -> dict[str, float]:
    gc.disable()
    from tongnan_calc.report import json_out
    from tongnan_calc.shell import run as runner

    times: dict[str, float] = {}
    rules = runner.load(None)
    wall, cpu = time.perf_counter(), time.process_time()
    inputs = runner.read_inputs(workbook, year, ledger)
    times["read"], times["read_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    result = runner.compute(inputs, year, rules)
    times["compute"], times["compute_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    times["lines"] = len(result.lines)
    wall, cpu = time.perf_counter(), time.process_time()
    with open(DEFAULT_OUT / "phases.json", "w", encoding="utf-8") as out:
        for chunk in json_out.chunks(result, "zh", compact=True):
            out.write(chunk)
    times["json"], times["json_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    return times


def read_only(workbook: Path, columns_only: bool) -> dict[str, float]:
    gc.disable()
    from tongnan_calc.input import reader

    if columns_only:
        for name in _NO_RECORDS:  # fail loudly if the reader's seams move
            if not hasattr(reader, name):
                raise SystemExit(f"tongnan_calc.input.reader has no {name}: update bench/phases.py")
        reader._take_records = lambda join, parsed: None  # type: ignore[attr-defined]
        reader._take_enterprises = lambda join, parsed: None  # type: ignore[attr-defined]
        reader._records = lambda join: ()  # type: ignore[attr-defined]
        reader._dropped_notices = lambda join: []  # type: ignore[attr-defined]
    wall, cpu = time.perf_counter(), time.process_time()
    reader.read_workbook(workbook)
    return {"read": time.perf_counter() - wall, "read_cpu": time.process_time() - cpu}


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("enterprises", type=int)
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--read-bound", action="store_true")
    parser.add_argument("--child", choices=("phases", "columns", "reader"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    batch = ensure(args.enterprises, 1, args.year, DEFAULT_OUT)
    if args.child == "phases":
        print(json.dumps(phases(batch.workbook, batch.ledger, args.year)))
        return
    if args.child in ("columns", "reader"):
        print(json.dumps(read_only(batch.workbook, args.child == "columns")))
        return
    common = [str(args.enterprises), "--year", str(args.year)]
    for _ in range(args.runs):
        if args.read_bound:
            floor = subprocess.run(
                [sys.executable, str(HERE / "floor.py"), "read", str(batch.workbook)],
                capture_output=True,
                text=True,
                check=True,
            )
            columns, whole = _child(*common, "--child", "columns"), _child(*common, "--child", "reader")
            print(
                f"read floor {json.loads(floor.stdout)['read_s']:.2f} s · up to the columns "
                f"{columns['read']:.2f} s (CPU {columns['read_cpu']:.2f}) · whole reader {whole['read']:.2f} s "
                f"(CPU {whole['read_cpu']:.2f})"
            )
        else:
            t = _child(*common, "--child", "phases")
            print(
                f"read {t['read']:.2f} s (CPU {t['read_cpu']:.2f}) · compute {t['compute']:.2f} s "
                f"(CPU {t['compute_cpu']:.2f}, {t['lines']:.0f} lines) · "
                f"JSON {t['json']:.2f} s (CPU {t['json_cpu']:.2f})"
            )


if __name__ == "__main__":
    main()
