"""Progress of long commands: log lines when stderr is not a terminal, a tqdm bar when it is."""

import io
import logging

from crawler.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_lines_off_a_terminal(caplog):
    caplog.set_level(logging.INFO, logger="crawler.progress")
    with Progress("reextract", total=4, unit="file", stream=io.StringIO(), log_every=0) as progress:
        progress.advance()
        progress.count(records_read=10, exported=3)
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("reextract: 1/4 files; ")
    assert "left" in lines[0]
    assert lines[-1].startswith("reextract: 1/4 files; ")
    assert lines[-1].endswith("records read 10, exported 3; done in 0 s")


def test_a_bar_on_a_terminal(caplog):
    caplog.set_level(logging.INFO, logger="crawler.progress")
    terminal = Terminal()
    with Progress("ccnews", total=2, unit="file", stream=terminal, log_every=0) as progress:
        progress.advance(2)
        progress.count(matched=5)
    assert "2/2" in terminal.getvalue()
    assert "matched=5" in terminal.getvalue()
    assert caplog.records == []


def test_without_a_total():
    progress = Progress("import-dump", unit="dump", stream=io.StringIO(), log_every=3600)
    progress.advance(3)
    assert progress.line().startswith("import-dump: 3 dumps; ")
    assert "left" not in progress.line()
