"""Scrapy settings for vnnews.

Polite defaults for scheduled crawls of news sites.  Every setting can be
overridden as usual: ``-s NAME=VALUE``, a spider's ``custom_settings``, or the
environment where noted.  See https://docs.scrapy.org/en/latest/topics/settings.html
"""

import os

from crawler.items import RECORD_FIELDS

BOT_NAME = "vnnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Say who we are, and obey the outlets' robots.txt.
USER_AGENT = "vnnews/0.1 (+https://github.com/vnnews/vnnews)"
ROBOTSTXT_OBEY = True

# Politeness: a few requests at a time per outlet, slowed down further by AutoThrottle.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Fail fast when an outlet or the network is down, never hang.
DNS_TIMEOUT = 15
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# A news page is well under a few MB; anything larger is not an article.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# How many listing pages a spider follows from each section page.
VNNEWS_MAX_LISTING_PAGES = 3

# Send every outlet request to a local mirror instead (http://host:port serving
# <mirror>/<host>/<path>, the layout of `wget --mirror`): tests, saved-site replays.
VNNEWS_MIRROR = os.environ.get("VNNEWS_MIRROR") or None

DOWNLOADER_MIDDLEWARES = {
    # Before RetryMiddleware (550), so that it sees every failed attempt.
    "crawler.middlewares.UnreachableGuard": 560,
}
# Connection failures, with no page fetched yet, after which a crawl stops (0: never).
VNNEWS_UNREACHABLE_AFTER = 3

DOWNLOAD_HANDLERS = {
    "http": "crawler.mirror.MirrorDownloadHandler",
    "https": "crawler.mirror.MirrorDownloadHandler",
}

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.boilerplate.BoilerplatePipeline": 200,
    "pipelines.dates.DatesPipeline": 300,
    "pipelines.bylines.BylinePipeline": 400,
    "pipelines.validate.ValidatePipeline": 500,
    "pipelines.dedupe.DedupePipeline": 600,
}

# The export: one JSONL file per crawl under data/<spider>/, UTF-8, keys in the
# schema's order.  `scrapy crawl` writes it unless -o/-O (or FEEDS) names other
# files; FEEDS itself stays empty because Scrapy adds -o/-O to FEEDS, not in its place.
VNNEWS_DATA_DIR = os.environ.get("VNNEWS_DATA_DIR", "data")
VNNEWS_FEED_URI = f"{VNNEWS_DATA_DIR}/%(name)s/%(time)s.jsonl"
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORTERS = {
    "jsonlines": "pipelines.export.ArticleJsonLinesExporter",
    "jsonl": "pipelines.export.ArticleJsonLinesExporter",
}
FEED_EXPORT_FIELDS = list(RECORD_FIELDS)
FEED_STORE_EMPTY = True

if os.environ.get("VNNEWS_LOG_LEVEL"):
    LOG_LEVEL = os.environ["VNNEWS_LOG_LEVEL"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
