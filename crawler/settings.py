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
# Keep it above 0: Scrapy 2.19 on asyncio holds an outlet to CONCURRENT_REQUESTS_PER_DOMAIN only
# when there is a delay (with 0 it starts every queued request of the outlet at once).
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Per-outlet politeness, by spider name, applied over the defaults above (and over a spider's
# custom_settings), e.g. -s 'VNNEWS_OUTLET_SETTINGS={"vnexpress": {"CONCURRENT_REQUESTS_PER_DOMAIN": 2,
# "DOWNLOAD_DELAY": 1.0}}'.  Health-check thresholds (VNNEWS_HEALTH_*) can be set here per outlet too.
VNNEWS_OUTLET_SETTINGS: dict[str, dict[str, object]] = {}

# Fail fast when an outlet or the network is down, never hang.
DNS_TIMEOUT = 15
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# Retries wait (crawler.middlewares.BackoffRetryMiddleware): Retry-After when the server sends one
# (given up if over VNNEWS_RETRY_AFTER_MAX seconds), else 1 s, 2 s, 4 s... at most VNNEWS_RETRY_BACKOFF_MAX.
VNNEWS_RETRY_BACKOFF = 1.0
VNNEWS_RETRY_BACKOFF_MAX = 60.0
VNNEWS_RETRY_AFTER_MAX = 120.0
# A news page is well under a few MB; anything larger is not an article.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# Article requests a crawl takes from sitemaps, newest lastmod first (0: no limit).  A sitemap of
# 100,000 entries would otherwise queue them all: 2,000 is two minutes of a polite crawl; raise it for
# a long backfill.
VNNEWS_SITEMAP_MAX_ARTICLES = 2000

# How many listing pages a spider follows from each section page; in a backfill (-a since=…),
# until the listing is older than `since`, at most VNNEWS_BACKFILL_MAX_PAGES.
VNNEWS_MAX_LISTING_PAGES = 3
VNNEWS_BACKFILL_MAX_PAGES = 200

# `scrapy check`: each spider's article parse on its fixture page, offline (crawler/contracts.py).
SPIDER_CONTRACTS = {"crawler.contracts.FixtureContract": 10}

# Send every outlet request to a local mirror instead (http://host:port serving
# <mirror>/<host>/<path>, the layout of `wget --mirror`): tests, saved-site replays.
VNNEWS_MIRROR = os.environ.get("VNNEWS_MIRROR") or None

DOWNLOADER_MIDDLEWARES = {
    # The WARC archive (VNNEWS_WARC_DIR) sees each response after HttpCompressionMiddleware (590) has
    # decoded it and before RedirectMiddleware, moved below it from 600, turns a redirect into a request.
    "crawler.warc.WarcArchiveMiddleware": 587,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": 585,
    # Before RetryMiddleware (550), so that it sees every failed attempt.
    "crawler.middlewares.UnreachableGuard": 560,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Scrapy's offsite check, for which another port of the outlet's host is offsite too.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.middlewares.PortAwareOffsiteMiddleware": 50,
    # Close to the download, so that the headers it adds are the ones sent.
    "crawler.middlewares.ConditionalRequests": 950,
}
# Connection failures, with no page fetched yet, after which a crawl stops (0: never).
VNNEWS_UNREACHABLE_AFTER = 3

# Archive every response the crawl fetched, with its request, in gzipped WARC 1.1 files under this
# folder (crawler/warc.py); a new file once one passes VNNEWS_WARC_MAX_SIZE bytes.  `scrapy reextract`
# reads them back.
VNNEWS_WARC_DIR = os.environ.get("VNNEWS_WARC_DIR") or None
VNNEWS_WARC_MAX_SIZE = 1_000_000_000

DOWNLOAD_HANDLERS = {
    "http": "crawler.mirror.MirrorDownloadHandler",
    "https": "crawler.mirror.MirrorDownloadHandler",
}

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.boilerplate.BoilerplatePipeline": 200,
    "pipelines.dates.DatesPipeline": 300,
    "pipelines.bylines.BylinePipeline": 400,
    "pipelines.language.LanguagePipeline": 440,
    "pipelines.topics.TopicsPipeline": 450,
    "pipelines.validate.ValidatePipeline": 500,
    "pipelines.dedupe.DedupePipeline": 600,
    "pipelines.state.DateRangePipeline": 650,
    "pipelines.state.StatePipeline": 700,
}

# The user's topics (pipelines/topics.py): a TOML file of [[topics]] with name, aliases and optionally
# exclude and outlets.  Unset: <VNNEWS_DATA_DIR>/topics.toml when it exists.
VNNEWS_TOPICS = os.environ.get("VNNEWS_TOPICS") or None

# Only what is new: the state store (crawler/state.py) of what earlier crawls exported, opened by
# crawler.state.StateExtension.  Unset, a crawl keeps state unless it overwrites its output (-O):
# that is a snapshot, which leaves the store alone.  True or False decide for every crawl.
VNNEWS_STATE_ENABLED: bool | None = None
# A known article found again (feed, listing, sitemap without a newer lastmod) is fetched again only
# once this many hours have passed since its last fetch: corrections are caught within a day, and a
# rerun with nothing new fetches no article.
VNNEWS_REVISIT_AFTER = 24.0
# Seconds between commits: the export files fsynced, then the store told of the lines they hold.
VNNEWS_COMMIT_INTERVAL = 0.5
# The SQLite file; unset: <VNNEWS_DATA_DIR>/state/state.sqlite3.
VNNEWS_STATE_PATH = os.environ.get("VNNEWS_STATE_PATH") or None
VNNEWS_STATE_TIMEOUT = 30.0  # seconds a write waits for another crawl's (SQLite busy_timeout)

# Pause and resume: -s JOBDIR=data/jobs/vtv (or VNNEWS_JOBS_DIR=data/jobs for JOBDIR=<dir>/<spider>),
# made safe against kills by crawler.jobdir.ResumableScheduler.
SCHEDULER = "crawler.jobdir.ResumableScheduler"
VNNEWS_JOBS_DIR = os.environ.get("VNNEWS_JOBS_DIR") or None

# Workers sharing one Redis (crawler/workers.py): set, `scrapy crawl` and `crawlall` share the frontier
# (scrapy-redis) and the state in this Redis, and send their records to `scrapy redis-export`.
VNNEWS_REDIS_URL = os.environ.get("VNNEWS_REDIS_URL") or None
VNNEWS_REDIS_HEARTBEAT = 1.0  # seconds between a worker's heartbeats
VNNEWS_REDIS_WORKER_TIMEOUT = 30.0  # seconds without a heartbeat after which a worker is dead

# Health checks (crawler/monitors.py), by spidermon.  Records are validated by pipelines/validate.py.
SPIDERMON_ENABLED = True
EXTENSIONS = {
    # A write error of the export stops the crawl instead of being logged once per record.
    "scrapy.extensions.feedexport.FeedExporter": None,
    "pipelines.export.GuardedFeedExporter": 0,
    # One crawl of an outlet at a time (crawler/lock.py), taken before the state store is opened.
    "crawler.lock.OutletLock": 90,
    "crawler.state.StateExtension": 100,
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
}
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.OutletHealth"]
VNNEWS_HEALTH_MIN_RECORDS = 1
VNNEWS_HEALTH_MIN_SAMPLE = 10
VNNEWS_HEALTH_PUBLISHED_AT = 0.95
VNNEWS_HEALTH_LONG_BODY = 0.90
VNNEWS_HEALTH_AUTHORS = 0.6
VNNEWS_HEALTH_MAX_DROP_RATE = 0.3
VNNEWS_HEALTH_MAX_ERROR_RATE = 0.2
VNNEWS_HEALTH_MIN_TOPIC_LINKS = 1  # article links on a topic crawl's search or tag pages

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
# Local files: a partial last line (a killed crawl) is cut before appending; each line is flushed,
# the file fsynced before the state store notes its lines (every VNNEWS_COMMIT_INTERVAL seconds) and at
# the end.
FEED_STORAGES = {
    "": "pipelines.export.DurableFileFeedStorage",
    "file": "pipelines.export.DurableFileFeedStorage",
}
FEED_URI_PARAMS = "pipelines.export.job_uri_params"

if os.environ.get("VNNEWS_LOG_LEVEL"):
    LOG_LEVEL = os.environ["VNNEWS_LOG_LEVEL"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
