"""The HTML report of ``scrapy report``: each outlet's health over its runs, and what arrived.

Two inputs, both written by the crawls themselves:

* the summaries of ``scrapy crawlall`` (``data/summary/*.json``): per run and outlet, the records
  exported, new and updated, the errors, the drops by reason, the health status and its problem lines;
* the exported JSONL (``data/*/*.jsonl``): field coverage per crawl day, articles per day of
  publication (each article once, as its latest revision), and topics per day when the records
  carry ``topics`` (schema 3).

The page is one self-contained file: the charts are Vega-Lite specs built with Altair and drawn by
the Vega libraries, which are inlined (vl-convert's bundle, about 0.9 MB), so it opens offline. Every
chart has a table beside it with the exact figures. Days are Vietnam days, times Vietnam time.

Input that cannot be read (a summary that is not JSON, a line cut short by a killed crawl) is
skipped, named in one line and counted on the page; it never stops the report.
"""

from __future__ import annotations

import html
import json
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

from crawler.alerts import record_day
from pipelines.state import LONG_BODY_CHARS
from pipelines.text.dates import vietnam_time

# The run measures charted over time, in the order of their legend.
RUN_MEASURES = ("exported", "new", "updated", "errors")
# Rows in the tables of runs, days and topics; the charts show every run and day.
TABLE_ROWS = 30
# Topics in the topics chart: the most mentioned (the table lists more).
CHART_TOPICS = 12
# Unreadable lines named one by one in a file, before the rest are only counted.
NAMED_BAD_LINES = 3
FAILED_COLOR = "#d62728"


# -- what the inputs say ----------------------------------------------------------------------


@dataclass
class Run:
    """One outlet in one ``crawlall`` run."""

    started_at: datetime  # Vietnam time
    exported: int
    new: int
    updated: int
    errors: int
    dropped: dict[str, int]
    ok: bool
    problems: list[str]


@dataclass
class DayCoverage:
    """The records one crawl day exported, and how many had each field."""

    records: int = 0
    published_at: int = 0
    authors: int = 0
    long_body: int = 0
    body_chars: list[int] = field(default_factory=list)


@dataclass
class Article:
    """What the report needs of an article's latest revision."""

    revision: int
    day: date | None  # of publication
    topics: frozenset[str]


@dataclass
class OutletRecords:
    coverage: dict[date, DayCoverage] = field(default_factory=dict)  # by crawl day
    latest: dict[str, Article] = field(default_factory=dict)  # by record id

    def articles_per_day(self) -> Counter[date]:
        return Counter(a.day for a in self.latest.values() if a.day is not None)

    def undated(self) -> int:
        return sum(a.day is None for a in self.latest.values())

    def topics_per_day(self) -> Counter[tuple[date, str]]:
        """Articles mentioning each topic, per day of publication."""
        return Counter((a.day, t) for a in self.latest.values() if a.day is not None for t in a.topics)


@dataclass
class ReportData:
    runs: dict[str, list[Run]] = field(default_factory=dict)  # by outlet, oldest first
    records: dict[str, OutletRecords] = field(default_factory=dict)  # by outlet
    skipped: list[str] = field(default_factory=list)  # one line per input that could not be read
    summaries_read: int = 0
    lines_read: int = 0

    @property
    def outlets(self) -> list[str]:
        return sorted(set(self.runs) | set(self.records))


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset, in Vietnam time; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return vietnam_time(moment) if moment.tzinfo is not None else None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"not a count: {value!r}")
    return value


def run_of(outlet: dict[str, Any], started_at: datetime) -> tuple[str, Run]:
    """One outlet's entry of a summary; ValueError/KeyError/TypeError when it is not one."""
    dropped = outlet.get("dropped") or {}
    problems = outlet.get("problems") or []
    if not isinstance(dropped, dict) or not isinstance(problems, list):
        raise ValueError("dropped must be an object, problems a list")
    run = Run(
        started_at=started_at,
        exported=_count(outlet["records_exported"]),
        new=_count(outlet.get("new", 0)),
        updated=_count(outlet.get("updated", 0)),
        # "failed": requests that failed after their retries; summaries written before it say "errors".
        errors=_count(outlet["failed"] if "failed" in outlet else outlet.get("errors", 0)),
        dropped={str(reason): _count(n) for reason, n in dropped.items()},
        ok=bool(outlet["ok"]),
        problems=[str(p) for p in problems],
    )
    return str(outlet.get("outlet") or outlet["spider"]), run


def read_summaries(paths: Iterable[Path], data: ReportData, since: date | None = None) -> None:
    """Add the runs of ``crawlall`` summaries to *data*; a file that is not one is skipped, named."""
    for path in paths:
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
            started_at = parse_time(summary["started_at"])
            if started_at is None:
                raise ValueError(f"started_at is not an ISO time: {summary['started_at']!r}")
            runs = [run_of(outlet, started_at) for outlet in summary["outlets"]]
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = f"{type(exc).__name__}: {exc}" if isinstance(exc, KeyError) else str(exc)
            data.skipped.append(f"{path}: not a crawlall summary ({reason})")
            continue
        if since is not None and started_at.date() < since:
            continue
        data.summaries_read += 1
        for outlet, run in runs:
            data.runs.setdefault(outlet, []).append(run)
    for runs in data.runs.values():
        runs.sort(key=lambda run: run.started_at)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="strict") as file:
        yield from enumerate(file, start=1)


def record_problem(record: Any) -> str | None:
    """Why a parsed line cannot be counted; None when it can."""
    if not isinstance(record, dict):
        return "not a JSON object"
    for key in ("id", "outlet", "body"):
        if not isinstance(record.get(key), str) or not record[key]:
            return f"no {key}"
    if parse_time(record.get("crawled_at")) is None:
        return "no crawled_at time"
    return None


def read_records(paths: Iterable[Path], data: ReportData, since: date | None = None) -> None:
    """Add exported JSONL records to *data*; unreadable lines are counted, the first few named."""
    for path in paths:
        bad = 0
        try:
            for number, line in _lines(path):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    problem: str | None = "not JSON (a line cut short?)"
                else:
                    problem = record_problem(record)
                if problem is not None:
                    bad += 1
                    if bad <= NAMED_BAD_LINES:
                        data.skipped.append(f"{path}:{number}: line skipped: {problem}")
                    continue
                add_record(data, record, since)
        except (OSError, UnicodeDecodeError) as exc:
            data.skipped.append(f"{path}: not read ({exc})")
        if bad > NAMED_BAD_LINES:
            data.skipped.append(f"{path}: {bad - NAMED_BAD_LINES} more lines skipped")


def add_record(data: ReportData, record: dict[str, Any], since: date | None = None) -> None:
    crawled_at = parse_time(record["crawled_at"])
    assert crawled_at is not None  # record_problem checked it
    if since is not None and crawled_at.date() < since:
        return
    data.lines_read += 1
    outlet = data.records.setdefault(record["outlet"], OutletRecords())

    # Coverage: every export line, by the day it was crawled (what each day's crawls delivered).
    day = outlet.coverage.setdefault(crawled_at.date(), DayCoverage())
    body_chars = len(record["body"])
    day.records += 1
    day.published_at += bool(record.get("published_at"))
    day.authors += bool(record.get("authors"))
    day.long_body += body_chars > LONG_BODY_CHARS
    day.body_chars.append(body_chars)

    # What arrived: each article once, as its latest revision, by its day of publication.
    published = record_day(record)
    if since is not None and published is not None and published < since:
        return
    revision = record.get("revision")
    revision = revision if isinstance(revision, int) else 1
    known = outlet.latest.get(record["id"])
    if known is None or revision >= known.revision:
        topics = record.get("topics")
        names = (
            frozenset(t for t in topics if isinstance(t, str) and t)
            if isinstance(topics, list)
            else frozenset()
        )
        outlet.latest[record["id"]] = Article(revision, published, names)


def read_inputs(
    summary_paths: Iterable[Path], record_paths: Iterable[Path], since: date | None = None
) -> ReportData:
    data = ReportData()
    read_summaries(summary_paths, data, since)
    read_records(record_paths, data, since)
    return data


# -- the page ------------------------------------------------------------------------------------


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _chart_time(moment: datetime) -> str:
    # No offset: Vega reads it as the viewer's local time and prints it as written, so the page
    # shows Vietnam time wherever it is opened.
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


def _chart_day(day: date) -> str:
    return f"{day.isoformat()}T00:00"  # a bare date would be read as UTC midnight and shift a day


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _cell(value: object) -> str:
    return '<td class="failed">FAILED</td>' if value == "FAILED" else f"<td>{_esc(value)}</td>"


def table(header: Iterable[str], rows: Iterable[Iterable[object]], css_class: str = "") -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    class_attr = f' class="{css_class}"' if css_class else ""
    return f"<table{class_attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


Rows = list[dict[str, Any]]
# A chart whose data are named (alt.Data(name=...)), and its rows by name.
Charted = tuple[alt.TopLevelMixin, dict[str, Rows]]


class Page:
    """The charts' specs, numbered as they are added, and the HTML of the sections around them."""

    def __init__(self) -> None:
        self.specs: list[dict[str, Any]] = []

    def chart(self, name: str, charted: Charted) -> str:
        chart, datasets = charted
        spec = chart.to_dict()
        # The rows join the spec after Altair has checked it: its schema check walks every value of
        # inline data, which took a minute for two weeks of runs every 15 minutes.
        spec["datasets"] = datasets
        self.specs.append(spec)
        return f'<div class="chart" id="chart-{len(self.specs)}" data-chart="{_esc(name)}"></div>'

    def panel(self, title: str, chart_html: str, table_html: str, note: str = "") -> str:
        note_html = f'<p class="note">{_esc(note)}</p>' if note else ""
        return (
            f'<section class="panel"><h3>{_esc(title)}</h3>{note_html}'
            f'<div class="pair">{chart_html}<div class="table">{table_html}</div></div></section>'
        )


WIDTH = 520
HEIGHT = 200
# Run times on an axis: day and hour, a few ticks (runs may come every 15 minutes).
RUN_AXIS = alt.Axis(format="%d/%m %H:%M", labelAngle=0, labelOverlap="greedy", labelSeparation=12)
RUN_SCALE = alt.Scale(padding=12)  # room for the first and last run's marks
# Days: a tick a day at most, labels that do not overlap.
DAY_AXIS = alt.Axis(format="%d/%m", tickCount="day", labelAngle=0, labelOverlap="greedy", labelSeparation=8)
LEGEND = alt.Legend(orient="bottom", title=None)


def runs_chart(runs: list[Run]) -> Charted:
    rows = [
        {
            "run": _chart_time(run.started_at),
            **dict(zip(RUN_MEASURES, (run.exported, run.new, run.updated, run.errors), strict=True)),
        }
        for run in runs
    ]
    lines = (
        alt.Chart(alt.Data(name="runs"))
        .transform_fold(list(RUN_MEASURES), as_=["measure", "records"])
        .mark_line(point=True)
        .encode(
            x=alt.X("run:T", title="run (Vietnam time)", axis=RUN_AXIS, scale=RUN_SCALE),
            y=alt.Y("records:Q", title="count"),
            color=alt.Color("measure:N", sort=list(RUN_MEASURES), legend=LEGEND),
            tooltip=[alt.Tooltip("run:T", format="%Y-%m-%d %H:%M"), "measure:N", "records:Q"],
        )
    )
    failed = [
        {"run": _chart_time(run.started_at), "problem": " | ".join(run.problems)}
        for run in runs
        if not run.ok
    ]
    chart: alt.TopLevelMixin = lines
    datasets = {"runs": rows}
    if failed:
        datasets["failed"] = failed
        rules = (
            alt.Chart(alt.Data(name="failed"))
            .mark_rule(color=FAILED_COLOR, strokeDash=[4, 3], strokeWidth=2)
            .encode(x="run:T", tooltip=[alt.Tooltip("run:T", format="%Y-%m-%d %H:%M"), "problem:N"])
        )
        chart = alt.layer(lines, rules)
    return chart.properties(width=WIDTH, height=HEIGHT), datasets


def drops_chart(runs: list[Run]) -> Charted:
    rows = [
        {"run": _chart_time(run.started_at), "reason": reason, "dropped": n}
        for run in runs
        for reason, n in run.dropped.items()
    ]
    return (
        alt.Chart(alt.Data(name="rows"))
        .mark_bar(width=8)
        .encode(
            x=alt.X("run:T", title="run (Vietnam time)", axis=RUN_AXIS, scale=RUN_SCALE),
            y=alt.Y("sum(dropped):Q", title="records dropped"),
            color=alt.Color("reason:N", legend=LEGEND),
            tooltip=[alt.Tooltip("run:T", format="%Y-%m-%d %H:%M"), "reason:N", "dropped:Q"],
        )
        .properties(width=WIDTH, height=HEIGHT)
    ), {"rows": rows}


COVERAGE_FIELDS = ("published_at", "authors", f"body over {LONG_BODY_CHARS} chars")


def coverage_chart(coverage: dict[date, DayCoverage]) -> Charted:
    rows = [
        {"day": _chart_day(day), "field": name, "share": part / c.records}
        for day, c in sorted(coverage.items())
        for name, part in zip(COVERAGE_FIELDS, (c.published_at, c.authors, c.long_body), strict=True)
    ]
    return (
        alt.Chart(alt.Data(name="rows"))
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="crawl day", timeUnit="yearmonthdate", axis=DAY_AXIS),
            y=alt.Y(
                "share:Q", title="records with it", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color("field:N", sort=list(COVERAGE_FIELDS), legend=LEGEND),
            tooltip=[
                alt.Tooltip("day:T", format="%Y-%m-%d"),
                "field:N",
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    ), {"rows": rows}


def articles_chart(articles: Counter[date]) -> Charted:
    rows = [{"day": _chart_day(day), "articles": n} for day, n in sorted(articles.items())]
    return (
        alt.Chart(alt.Data(name="rows"))
        .mark_bar(width=alt.RelativeBandSize(0.8))
        .encode(
            x=alt.X("day:T", title="day of publication", timeUnit="yearmonthdate", axis=DAY_AXIS),
            y=alt.Y("articles:Q", title="articles"),
            tooltip=[alt.Tooltip("day:T", format="%Y-%m-%d"), "articles:Q"],
        )
        .properties(width=WIDTH, height=HEIGHT)
    ), {"rows": rows}


def topics_chart(topics: Counter[tuple[date, str]], shown: list[str]) -> Charted:
    rows = [
        {"day": day.isoformat(), "topic": topic, "articles": n}
        for (day, topic), n in sorted(topics.items())
        if topic in shown
    ]
    return (
        alt.Chart(alt.Data(name="rows"))
        .mark_rect()
        .encode(
            x=alt.X("day:O", title="day of publication", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("topic:N", sort=shown, title=None),
            color=alt.Color("articles:Q", title="articles", scale=alt.Scale(scheme="blues")),
            tooltip=["day:O", "topic:N", "articles:Q"],
        )
        .properties(width=WIDTH)
    ), {"rows": rows}


def _dropped_text(dropped: dict[str, int]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in sorted(dropped.items())) or "-"


def outlet_section(page: Page, outlet: str, runs: list[Run], records: OutletRecords | None) -> str:
    parts = [f'<section class="outlet" id="outlet-{_esc(outlet)}"><h2>{_esc(outlet)}</h2>']

    if runs:
        latest = list(reversed(runs))[:TABLE_ROWS]
        failed = sum(not run.ok for run in runs)
        parts.append(
            page.panel(
                "Runs",
                page.chart("runs", runs_chart(runs)),
                table(
                    ("run", "status", "exported", "new", "updated", "errors", "dropped"),
                    (
                        (
                            _time(r.started_at),
                            "ok" if r.ok else "FAILED",
                            r.exported,
                            r.new,
                            r.updated,
                            r.errors,
                            _dropped_text(r.dropped),
                        )
                        for r in latest
                    ),
                    "runs",
                ),
                f"runs: {len(runs)}, failed: {failed} (a red dashed line each)",
            )
        )
        drop_totals = Counter[str]()
        for run in runs:
            drop_totals.update(run.dropped)
        if drop_totals:
            parts.append(
                page.panel(
                    "Drops by reason",
                    page.chart("drops", drops_chart(runs)),
                    table(("reason", "records dropped"), drop_totals.most_common(), "drops"),
                )
            )
        failures = [(run, problem) for run in reversed(runs) for problem in run.problems][:TABLE_ROWS]
        parts.append('<section class="panel"><h3>Latest failures</h3>')
        if failures:
            rows = ((_time(r.started_at), p) for r, p in failures)
            parts.append(f'<div class="table">{table(("run", "what failed"), rows, "failures")}</div>')
        else:
            parts.append('<p class="note">No run failed.</p>')
        parts.append("</section>")
    else:
        parts.append('<p class="note">No crawlall run of this outlet in the summaries.</p>')

    if records is not None and records.coverage:
        days = sorted(records.coverage.items(), reverse=True)
        parts.append(
            page.panel(
                "Field coverage",
                page.chart("coverage", coverage_chart(records.coverage)),
                table(
                    (
                        "crawl day",
                        "records",
                        "published_at",
                        "authors",
                        f"body > {LONG_BODY_CHARS}",
                        "median body chars",
                    ),
                    (
                        (
                            day,
                            c.records,
                            _percent(c.published_at, c.records),
                            _percent(c.authors, c.records),
                            _percent(c.long_body, c.records),
                            int(statistics.median(c.body_chars)),
                        )
                        for day, c in days[:TABLE_ROWS]
                    ),
                    "coverage",
                ),
                "share of the records each crawl day exported (a revision counts again)",
            )
        )
        per_day = records.articles_per_day()
        article_rows: list[tuple[object, int]] = sorted(per_day.items(), reverse=True)[:TABLE_ROWS]
        if records.undated():
            article_rows.append(("no date", records.undated()))
        parts.append(
            page.panel(
                "Articles per day",
                page.chart("articles", articles_chart(per_day)),
                table(("day", "articles"), article_rows, "articles"),
                f"articles: {len(records.latest)}, each once (its latest revision), by day of publication",
            )
        )
        topics = records.topics_per_day()
        if topics:
            totals = Counter[str]()
            days_of = Counter[str]()
            for (_day, topic), n in topics.items():
                totals[topic] += n
                days_of[topic] += 1
            ranked = [topic for topic, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
            parts.append(
                page.panel(
                    "Topics per day",
                    page.chart("topics", topics_chart(topics, ranked[:CHART_TOPICS])),
                    table(
                        ("topic", "articles", "days"),
                        ((t, totals[t], days_of[t]) for t in ranked[:TABLE_ROWS]),
                        "topics",
                    ),
                    f"articles mentioning each topic; the chart shows the {CHART_TOPICS} most mentioned",
                )
            )
    else:
        parts.append('<p class="note">No exported record of this outlet.</p>')
    parts.append("</section>")
    return "".join(parts)


def overview(data: ReportData) -> str:
    rows = []
    for outlet in data.outlets:
        runs = data.runs.get(outlet, [])
        records = data.records.get(outlet)
        last = runs[-1] if runs else None
        coverage = list(records.coverage.values()) if records else []
        lines = sum(c.records for c in coverage)
        latest_problem = next((p for run in reversed(runs) for p in run.problems), "-")
        rows.append(
            (
                outlet,
                len(runs),
                sum(not run.ok for run in runs),
                _time(last.started_at) if last else "-",
                ("ok" if last.ok else "FAILED") if last else "-",
                len(records.latest) if records else 0,
                _percent(sum(c.published_at for c in coverage), lines),
                _percent(sum(c.authors for c in coverage), lines),
                latest_problem,
            )
        )
    return table(
        (
            "outlet",
            "runs",
            "failed",
            "last run",
            "last status",
            "articles",
            "published_at",
            "authors",
            "latest failure",
        ),
        rows,
        "overview",
    )


STYLE = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; margin: 1.5em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
.note { color: #555; margin: 0.2em 0 0.6em; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.chart { min-width: 560px; min-height: 120px; }
.table { max-height: 300px; overflow-y: auto; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: right; vertical-align: top; }
th { background: #f3f3f3; position: sticky; top: 0; }
td:first-child, th:first-child, table.failures td, table.failures th,
table.overview td:last-child, table.overview th:last-child { text-align: left; }
td.failed { color: #d62728; font-weight: bold; }
.skipped { color: #a33; }
"""

# Draws every chart; a chart that cannot be drawn shows why in its place.
DRAW = """
const specs = JSON.parse(document.getElementById("chart-specs").textContent);
const drawn = specs.map((spec, i) => {
  const target = document.getElementById("chart-" + (i + 1));
  return vegaEmbed(target, spec, {renderer: "svg", actions: {export: true, source: false,
    compiled: false, editor: false}})
    .catch(error => { target.textContent = "chart not drawn: " + error; });
});
Promise.all(drawn).then(() => { document.body.dataset.chartsDone = String(specs.length); });
"""


def render(data: ReportData, generated_at: datetime, since: date | None = None) -> str:
    """The report's whole HTML, scripts and data inlined."""
    page = Page()
    sections = [
        outlet_section(page, outlet, data.runs.get(outlet, []), data.records.get(outlet))
        for outlet in data.outlets
    ]
    scope = f"runs and records since {since.isoformat()}" if since else "every run and record"
    skipped = ""
    if data.skipped:
        items = "".join(f"<li>{_esc(line)}</li>" for line in data.skipped)
        skipped = f'<section class="skipped"><h3>Input skipped</h3><ul>{items}</ul></section>'
    specs = json.dumps(page.specs, ensure_ascii=False).replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>vnnews report</title>"
        f"<style>{STYLE}</style>"
        f"<script>{vl_convert.javascript_bundle()}</script>"
        "</head><body>"
        "<h1>vnnews: the outlets' health and what arrived</h1>"
        f'<p class="note">Generated {_esc(_time(vietnam_time(generated_at)))} (Vietnam time), {scope}: '
        f"crawlall summaries {data.summaries_read}, exported records {data.lines_read}.</p>"
        f"{skipped}"
        f"<h2>Outlets</h2>{overview(data)}"
        + "".join(sections)
        + f'<script type="application/json" id="chart-specs">{specs}</script>'
        f"<script>{DRAW}</script>"
        "</body></html>\n"
    )
