"""What a news CMS prints the same on every outlet that runs it: one base class per CMS.

An outlet's spider derives from its CMS's class and declares only what is its
own; the CMS's selectors are tried after the outlet's, its removals always
apply.  The generic spider tries every CMS here, since many outlets without a
spider of their own run on one of them.
"""

from __future__ import annotations

from typing import ClassVar

from crawler.spiders.base import NewsSpider


class VccorpSpider(NewsSpider):
    """VCCorp's CMS: vtv.vn, tuoitre.vn, thanhnien.vn (and nld.com.vn, soha.vn, genk.vn...).

    Fields carry ``data-role`` attributes; ad and related-news zones are marked with
    ``data-marked-zoneid``, embedded videos and related boxes with a ``type``
    ("VideoStream", "RelatedOneNews", "RelatedNewsBox").  Article URLs end in the time
    the article was created: ``-YYYYMMDDhhmmssmmm.htm``, or with a three-digit prefix
    and a two-digit year, ``-100YYMMDDhhmmssmmm.htm`` (vtv.vn's 100, thanhnien.vn's 185).
    """

    cms_selectors: ClassVar[dict[str, str | tuple[str, ...]]] = {
        "title": ("h1[data-role=title]", "h1 [data-role=title]"),
        # Before data-role (2012: genk.vn, soha.vn), the lead was a box of bullet lines, div.init_content.
        "sapo": ("[data-role=sapo]", "div.init_content"),
        "body": "[data-role=content]",
        "author": "[data-role=author]",
        "date": "[data-role=publishdate]",
    }
    cms_remove_selectors = (
        "[data-marked-zoneid]",
        "[type=VideoStream]",
        "[type*=Related]",
        "div.init_content",
    )
    url_date = (
        r"-(?:\d{3})?(?P<year>(?:20)?\d{2})(?P<month>\d{2})(?P<day>\d{2})"
        r"(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})\d{3}\.html?$"
    )


class ArticleCmsSpider(NewsSpider):
    """The CMS of nhandan.vn and vietnamplus.vn, whose classes are ``article__*`` and ``story__*``.

    Photos sit in ``table.picture`` with a ``td.caption``; the date is a ``time.time``
    with a ``datetime`` attribute ("2025-01-14T06:01:00+0700").
    """

    cms_selectors: ClassVar[dict[str, str | tuple[str, ...]]] = {
        "title": "h1.article__title",
        "sapo": "div.article__sapo",
        "body": "div.article__body",
        "date": ("div.article__meta time.time", "time.time"),
        "section": "div.breadcrumb a",
        "tags": "div.article__tag a",
    }
    # The inline and closing related boxes ("Tin liên quan", "Xem thêm"), the tags and the share bar.
    cms_remove_selectors = (
        "div.article__relate",
        "div.box-relate",
        "div.article__tag",
        "div.article__social",
    )
    listing_links = "h2.story__heading a::attr(href), h3.story__heading a::attr(href)"


# Every CMS above, for the generic spider.
CMS_SPIDERS: tuple[type[NewsSpider], ...] = (VccorpSpider, ArticleCmsSpider)
