"""Profile one ``tongnan-calc run`` on a generated batch, in process.

    python bench/profile_run.py 10000 [--mode out|json] [--top 30] [--sort tottime|cumulative]

Generates the batch if needed (``bench/generate.py``), runs the CLI under
cProfile (stdout to a file, as in the benchmark) and prints the top entries.
The raw profile is kept as bench/out/profile-N-MODE.prof (open it with
``python -m pstats`` or snakeviz).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import DEFAULT_OUT, ensure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("enterprises", type=int)
    parser.add_argument("--mode", choices=("out", "json"), default="out")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--year", type=int, default=2016)
    args = parser.parse_args()
    batch = ensure(args.enterprises, 1, args.year, DEFAULT_OUT)
    work = DEFAULT_OUT / f"run-{args.enterprises}"
    work.mkdir(exist_ok=True)
    output = ["--out", str(work / "payout.xlsx")] if args.mode == "out" else ["--json", str(work / "out.json")]
    argv = ["tongnan-calc", "run", str(batch.workbook), "--year", str(args.year), "--ledger", str(batch.ledger)]
    sys.argv = [*argv, *output, "--force"]

    from tongnan_calc.cli.app import main as cli_main

    profile = cProfile.Profile()
    began = time.perf_counter()
    with (work / "terminal-profile.txt").open("w") as sink, contextlib.redirect_stdout(sink):
        profile.enable()
        try:
            cli_main()
        except SystemExit:
            pass
        finally:
            profile.disable()
    elapsed = time.perf_counter() - began
    path = DEFAULT_OUT / f"profile-{args.enterprises}-{args.mode}.prof"
    profile.dump_stats(path)
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats(args.sort).print_stats(args.top)
    print(f"{elapsed:.2f} s under cProfile; profile in {path}")
    print(text.getvalue())


if __name__ == "__main__":
    main()
