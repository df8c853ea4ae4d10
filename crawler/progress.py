"""Progress of a long command (``import-dump``, ``reextract``, ``ccnews``).

On a terminal it is a bar with the rate and the time left (tqdm); anywhere else (cron, scrapyd,
a pipe) it is a log line every ``log_every`` seconds and one at the end, so a log shows the run
moving without a line per item.

    with Progress("import-dump", total=len(paths), unit="file") as progress:
        for path in paths:
            ...
            progress.advance()
            progress.count(exported=1)
"""

from __future__ import annotations

import logging
import sys
import time
from typing import IO, Any

from tqdm import tqdm

logger = logging.getLogger(__name__)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Units done out of ``total`` (when known), and named counters beside them."""

    def __init__(
        self,
        what: str,
        total: int | None = None,
        unit: str = "item",
        *,
        stream: IO[str] | None = None,
        log_every: float = 30.0,
        log: logging.Logger = logger,
    ) -> None:
        self.what = what
        self.total = total
        self.unit = unit
        self.done = 0
        self.counts: dict[str, int] = {}
        self.log_every = log_every
        self._log = log
        self._started = time.monotonic()
        self._logged = self._started
        stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        if stream.isatty():
            self._bar = tqdm(total=total, desc=what, unit=unit, file=stream, dynamic_ncols=True)

    def advance(self, n: int = 1) -> None:
        """``n`` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        self._maybe_log()

    def count(self, **counts: int) -> None:
        """Add to named counters (records read, matched, exported…)."""
        for name, n in counts.items():
            self.counts[name] = self.counts.get(name, 0) + n
        if self._bar is not None:
            self._bar.set_postfix(self.counts, refresh=False)
        self._maybe_log()

    def line(self) -> str:
        """The state in one line: done, rate, time left and the counters."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.done / elapsed
        done = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        parts = [f"{self.what}: {done} {self.unit}s", f"{rate:.1f} {self.unit}s/s"]
        if self.total is not None and rate > 0 and self.done < self.total:
            parts.append(f"about {_duration((self.total - self.done) / rate)} left")
        if self.counts:
            parts.append(", ".join(f"{name.replace('_', ' ')} {n}" for name, n in self.counts.items()))
        return "; ".join(parts)

    def _maybe_log(self) -> None:
        if self._bar is not None:
            return
        now = time.monotonic()
        if now - self._logged >= self.log_every:
            self._logged = now
            self._log.info(self.line())

    def close(self) -> None:
        """The final state: the bar closed, or a last log line."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        else:
            self._log.info(self.line() + f"; done in {_duration(time.monotonic() - self._started)}")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
