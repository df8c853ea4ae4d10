"""The outlets the project knows: its spiders, found by name or by the domain they serve.

Everything known of an outlet lives in its spider (``crawler/spiders/<name>.py``);
code that needs an outlet's facts outside a crawl (the dump importer, ``scrapy
extract``, the byline step's list of outlet names) finds the spider here.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from crawler.extraction import outlet_of
from crawler.spiders.base import NewsSpider
from crawler.spiders.generic import GenericSpider


def outlet_spiders(settings: BaseSettings) -> dict[str, type[NewsSpider]]:
    """Spider name → spider class, for every spider of an outlet (not the generic one), by name."""
    loader = SpiderLoader.from_settings(settings)
    spiders = {}
    for name in sorted(loader.list()):
        cls = loader.load(name)
        if getattr(cls, "outlet", ""):
            spiders[name] = cls
    return spiders


def spider_for(settings: BaseSettings, url: str | None = None, name: str | None = None) -> type[NewsSpider]:
    """The spider named *name*, or the outlet spider whose domain serves *url*; else the generic spider."""
    if name:
        return SpiderLoader.from_settings(settings).load(name)
    host = outlet_of(url or "")
    for cls in outlet_spiders(settings).values():
        if host == cls.outlet or host.endswith("." + cls.outlet):
            return cls
    return GenericSpider


def self_names_by_outlet(settings: BaseSettings) -> dict[str, tuple[str, ...]]:
    """Outlet domain → the names the outlet credits itself by, for every outlet spider."""
    return {cls.outlet: tuple(cls.self_names) for cls in outlet_spiders(settings).values()}
