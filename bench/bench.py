"""Province-scale benchmark: ``tongnan-calc run`` end to end against the spreadsheet I/O floor.

    python bench/bench.py 10000 [100000 ...] [--runs 3] [--seed 1] [--year 2016]

For each N: generate (once, cached in bench/out) a deterministic batch of N
enterprises and its ledger (``bench/generate.py``), then, ``--runs`` times:

- ``run``: ``tongnan-calc run BATCH --year Y --ledger LEDGER --out PAYOUT.xlsx``
  as a separate process (wall clock, and its peak memory: the larger of ``wait4``'s peak
  RSS and the sum over the process and its children, sampled every 50 ms, of their
  proportional set sizes: a run is one process since round 7, and the sum still covers
  any process it would start);
- ``json_only``: the same with ``--json OUT.json`` and no workbook output;
- the floor (``bench/floor.py``, each in its own process, the operation alone):
  the same reader (python-calamine) reading every sheet of BATCH, and the same
  writer writing the same rows as PAYOUT.xlsx holds;
- the read floor the other way: every sheet of BATCH straight into Arrow columns
  (fastexcel, the calamine engine of polars; ``pip install '.[bench]'``), reported
  beside the calamine floor (``json_over_arrow``) — skipped when fastexcel is absent.

The median of the runs is quoted; ``floor_s`` = read floor + write floor,
``ratio`` = run_s / floor_s.  Prints a table and writes bench/out/bench-N.json.
Not a test: nothing here fails on a slow machine (the targets are only reported).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import DEFAULT_OUT, ensure  # noqa: E402

TARGET_RATIO = 1.3
TARGET_JSON_OVER_READ = 1.5
TARGET_RSS_MB = 1024
TARGET_SCALING = 10.5  # issue 14: 10,000 → 100,000 multiplies the time by at most 10.5


def tree_rss_kb(pid: int) -> int:
    """The memory of a process and all its descendants now, in KB (Linux /proc; 0 elsewhere).

    Each process counts its proportional set size (PSS: a page shared by k processes counts
    1/k in each): a forked child shares its parent's pages, and the sum of their resident
    sizes would count those pages twice.  Where PSS cannot be read, the resident size."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            total += _kb(Path(f"/proc/{current}/smaps_rollup"), "Pss:") or _kb(
                Path(f"/proc/{current}/status"), "VmRSS:"
            )
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return total


def _kb(path: Path, key: str) -> int:
    try:
        text = path.read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


class TreeMemory(threading.Thread):
    """Samples the memory of a process tree every 50 ms: ``wait4`` reports the largest single process, not the
    sum, and a run that started another process would be undercounted."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))


def timed(command: list[str], stdout: Path | None = None) -> tuple[float, float, int]:
    """Run ``command``; return (wall seconds, peak RSS in MB of the process and its children together, exit code)."""
    sink = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
    env = {k: v for k, v in os.environ.items() if k not in {"TONGNAN_LEDGER", "TONGNAN_DEBUG"}}
    try:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)
        memory = TreeMemory(process.pid)
        memory.start()
        assert process.stderr is not None
        err = process.stderr.read()
        memory.done.set()
        memory.join()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout is not None and not isinstance(sink, int):
            sink.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err.decode(errors='replace')}")
    return elapsed, max(usage.ru_maxrss, memory.peak_kb) / 1024, process.returncode


def floor(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(HERE / "floor.py"), *args], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def writer_in_use() -> str:
    from tongnan_calc.report import xlsx

    return str(getattr(xlsx, "WRITER", "openpyxl"))


def calc() -> list[str]:
    found = shutil.which("tongnan-calc")
    return [found] if found else [sys.executable, "-c", "from tongnan_calc.cli.app import main; main()"]


def bench(n: int, runs: int, seed: int, year: int, out: Path) -> dict[str, Any]:
    batch = ensure(n, seed, year, out)
    work = out / f"run-{n}"
    work.mkdir(exist_ok=True)
    payout, json_file, terminal = work / "payout.xlsx", work / "out.json", work / "terminal.txt"
    base = [*calc(), "run", str(batch.workbook), "--year", str(year), "--ledger", str(batch.ledger), "--force"]
    writer = writer_in_use()
    run_s: list[float] = []
    json_s: list[float] = []
    read_s: list[float] = []
    arrow_s: list[float] = []
    write_s: list[float] = []
    rss: list[float] = []
    json_rss: list[float] = []
    rows_file = work / "payout-rows.pickle"
    for index in range(runs):
        elapsed, peak, _ = timed([*base, "--out", str(payout)], terminal)
        run_s.append(elapsed)
        rss.append(peak)
        if index == 0:
            extracted = floor("extract", str(payout), str(rows_file))
        elapsed, peak, _ = timed([*base, "--json", str(json_file)], work / "terminal-json.txt")
        json_s.append(elapsed)
        json_rss.append(peak)
        read_s.append(floor("read", str(batch.workbook))["read_s"])
        if has_fastexcel():
            arrow_s.append(floor("read-arrow", str(batch.workbook))["read_s"])
        write_s.append(floor("write", str(rows_file), str(work / "floor.xlsx"), "--writer", writer)["write_s"])
        print(
            f"  N={n} run {index + 1}/{runs}: run {run_s[-1]:.2f} s, json-only {json_s[-1]:.2f} s, "
            f"read floor {read_s[-1]:.2f} s, write floor {write_s[-1]:.2f} s, peak RSS {rss[-1]:.0f} MB",
            file=sys.stderr,
        )
    median = statistics.median
    floor_s = median(read_s) + median(write_s)
    return {
        "enterprises": n,
        "input_rows": batch.counts.input_rows,
        "run_s": round(median(run_s), 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(median(run_s) / floor_s, 3),
        "peak_rss_mb": round(max(rss), 1),
        "json_only_run_s": round(median(json_s), 3),
        "read_floor_s": round(median(read_s), 3),
        "write_floor_s": round(median(write_s), 3),
        "json_over_read": round(median(json_s) / median(read_s), 3),
        "arrow_read_floor_s": round(median(arrow_s), 3) if arrow_s else None,
        "json_over_arrow": round(median(json_s) / median(arrow_s), 3) if arrow_s else None,
        "json_only_peak_rss_mb": round(max(json_rss), 1),
        "output_rows": extracted["rows"],
        "output_bytes": payout.stat().st_size,
        "json_bytes": json_file.stat().st_size,
        "writer": writer,
        "runs": runs,
        "seed": seed,
        "year": year,
        "samples": {
            "run_s": run_s,
            "json_only_run_s": json_s,
            "read_floor_s": read_s,
            "arrow_read_floor_s": arrow_s,
            "write_floor_s": write_s,
        },
        "machine": machine(),
    }


def has_fastexcel() -> bool:
    import importlib.util

    return importlib.util.find_spec("fastexcel") is not None


def machine() -> dict[str, str]:
    def sh(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    mem = sh("free", "-h").splitlines()
    return {
        "nproc": sh("nproc"),
        "memory": mem[1].split()[1] if len(mem) > 1 else "",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def table(results: list[dict[str, Any]]) -> str:
    heads = (
        "enterprises",
        "input rows",
        "run s",
        "floor s (read+write)",
        "ratio",
        "json-only s",
        "read floor s",
        "Arrow read floor s",
        "json/read",
        "json/Arrow read",
        "peak RSS MB",
    )
    lines = ["| " + " | ".join(heads) + " |", "|" + "---:|" * len(heads)]
    for r in results:
        cells = (
            f"{r['enterprises']:,}",
            f"{r['input_rows']:,}",
            f"{r['run_s']:.2f}",
            f"{r['floor_s']:.2f} ({r['read_floor_s']:.2f}+{r['write_floor_s']:.2f})",
            f"{r['ratio']:.2f}",
            f"{r['json_only_run_s']:.2f}",
            f"{r['read_floor_s']:.2f}",
            "—" if r["arrow_read_floor_s"] is None else f"{r['arrow_read_floor_s']:.2f}",
            f"{r['json_over_read']:.2f}",
            "—" if r["json_over_arrow"] is None else f"{r['json_over_arrow']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(results: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in results:
        n = r["enterprises"]
        out.append(f"N={n}: ratio {r['ratio']:.2f} (target ≤ {TARGET_RATIO}) {_ok(r['ratio'] <= TARGET_RATIO)}")
        out.append(
            f"N={n}: json-only / read floor {r['json_over_read']:.2f} (target ≤ {TARGET_JSON_OVER_READ}) "
            f"{_ok(r['json_over_read'] <= TARGET_JSON_OVER_READ)}"
        )
        out.append(
            f"N={n}: peak RSS {r['peak_rss_mb']:.0f} MB (target ≤ {TARGET_RSS_MB}) "
            f"{_ok(r['peak_rss_mb'] <= TARGET_RSS_MB)}"
        )
    by_n = {r["enterprises"]: r for r in results}
    for small in sorted(by_n):
        big = small * 10
        if big in by_n:
            factor = by_n[big]["run_s"] / by_n[small]["run_s"]
            out.append(
                f"N={small}→{big}: run time × {factor:.2f} (target ≤ {TARGET_SCALING}) {_ok(factor <= TARGET_SCALING)}"
            )
    return out


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def compile_package() -> None:
    """Byte-compile the package first, as installing it does: a checkout run with
    PYTHONDONTWRITEBYTECODE set would otherwise compile every module at every start (~0.4 s)."""
    import compileall

    import tongnan_calc

    compileall.compile_dir(str(Path(tongnan_calc.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("enterprises", type=int, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    compile_package()
    results = []
    for n in args.enterprises:
        result = bench(n, args.runs, args.seed, args.year, args.out)
        (args.out / f"bench-{n}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps({k: result[k] for k in list(result)[:8]}))
        results.append(result)
    print(table(results))
    print("\n".join(verdicts(results)))
    info = results[0]["machine"]
    print(f"machine: nproc {info['nproc']}, memory {info['memory']}, Python {info['python']}, {info['platform']}")


if __name__ == "__main__":
    main()
