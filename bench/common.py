"""What every benchmark shares: paths, the machine and versions, medians, tables, targets."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("VNNEWS_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"

# The scripts run as `python bench/x.py`: the project root must be importable for tests.sites.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PACKAGES = ("scrapy", "twisted", "lxml", "parsel", "dateparser", "trafilatura", "aiohttp")


def versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"vnnews {commit or '?'}{'+changes' if dirty else ''}; Python {platform.python_version()}; "
        + ", ".join(found)
    )


def header(title: str) -> None:
    print(f"== {title} ==")
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}")
    print(f"versions: {versions()}")
    print()


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A plain, aligned text table (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print(
            "  ".join(
                c.ljust(w) if i == 0 or not _numeric(c) else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def _numeric(text: str) -> bool:
    return text[:1].isdigit() or (text[:1] in "-+." and text[1:2].isdigit())


class Targets:
    """The issue's targets, checked and printed at the end; the exit status says if all were met."""

    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, met: bool, detail: str) -> None:
        self.results.append((name, met, detail))

    def report(self) -> int:
        for name, met, detail in self.results:
            print(f"TARGET {'met   ' if met else 'MISSED'} {name}: {detail}")
        return 0 if all(met for _, met, _ in self.results) else 1
