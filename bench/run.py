"""Run every benchmark, one after the other, each in a process of its own, and sum up the targets.

    python bench/run.py [--quick] [extraction throughput memory startup ccnews scale]

``--quick`` is passed on to each script (fewer runs, smaller memory crawl).
Exit status 0 when every target was met.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from common import BENCH

SCRIPTS = ("extraction", "throughput", "memory", "startup", "ccnews", "scale")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "only", nargs="*", metavar="NAME", help=f"the benchmarks to run: {', '.join(SCRIPTS)}"
    )
    args = parser.parse_args()
    unknown = set(args.only) - set(SCRIPTS)
    if unknown:
        parser.error(f"no benchmark {', '.join(sorted(unknown))}")
    summary: list[str] = []
    failed = False
    for name in args.only or SCRIPTS:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(BENCH / f"{name}.py"), *(["--quick"] if args.quick else [])],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        print(result.stdout, end="")
        print(f"({name}: {time.perf_counter() - started:.0f} s)\n", flush=True)
        summary += [line for line in result.stdout.splitlines() if line.startswith("TARGET")]
        failed |= result.returncode != 0
    print("== Summary ==")
    print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
