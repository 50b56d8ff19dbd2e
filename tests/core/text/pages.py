"""Web pages as people save them, made by the tests: a news page with navigation, a cookie
banner, a sidebar, comments, a "read more" box, scripts, styles and event handlers around the
article. Every piece of debris carries a word that must never reach the text (DEBRIS)."""

from __future__ import annotations

import html
import io

from PIL import Image


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 220, 255)).save(out, "PNG")
    return out.getvalue()


PNG = _png()

# Words that appear only in the page's debris: none may reach the imported text.
DEBRIS = (
    "NAVDEBRIS",
    "COOKIEDEBRIS",
    "SIDEBARDEBRIS",
    "COMMENTDEBRIS",
    "READMOREDEBRIS",
    "SCRIPTDEBRIS",
    "STYLEDEBRIS",
    "HANDLERDEBRIS",
    "FOOTERDEBRIS",
    "NOSCRIPTDEBRIS",
)

NEWS_PARAGRAPHS = (
    "The first polar bears of the season were seen on the shore of the bay on Monday, weeks "
    "earlier than last year, according to the wardens who count them each autumn.",
    "Wardens said the sea ice had formed early, letting the bears walk out to hunt seals "
    "before the town's festival began in earnest.",
    "Each bear is photographed from a helicopter and compared with a catalogue of marks, a "
    "method the wardens have used for twenty years without a single lost record.",
    "The town asks visitors to keep their distance and to stay inside the marked paths at "
    "all times, especially at dusk when the bears come closest to the houses.",
)


def news_page(
    title: str = "Polar bears return to the bay",
    paragraphs: tuple[str, ...] | list[str] = NEWS_PARAGRAPHS,
    *,
    author: str = "Ada Lovelace",
    date: str = "2024-03-05T08:00:00Z",
    site: str = "The Daily Tern",
    url: str = "https://tern.example/news/polar-bears",
    extra: str = "",
) -> str:
    """A whole news page around ``paragraphs`` (plain text, escaped here); ``extra`` is raw
    HTML placed inside the article after the second paragraph."""
    body = [f"<p>{html.escape(text)}</p>" for text in paragraphs]
    body.insert(min(2, len(body)), extra)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="article:published_time" content="{date}">
<link rel="canonical" href="{url}">
<style>.banner {{ color: red }} body::after {{ content: "STYLEDEBRIS" }}</style>
<script>var tracker = "SCRIPTDEBRIS"; document.write("SCRIPTDEBRIS");</script>
</head>
<body onload="alert('HANDLERDEBRIS')">
<div id="cookie-banner" class="cookie-consent cookie-banner">COOKIEDEBRIS We use cookies to
improve your experience. <button onclick="accept('HANDLERDEBRIS')">Accept all cookies</button></div>
<header><nav class="menu"><ul><li><a href="/">Home NAVDEBRIS</a></li>
<li><a href="/world">World NAVDEBRIS</a></li><li><a href="/sport">Sport NAVDEBRIS</a></li>
</ul></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">By {html.escape(author)}</p>
{"".join(body)}
<script>window.SCRIPTDEBRIS = function () {{ return "SCRIPTDEBRIS"; }};</script>
<noscript>NOSCRIPTDEBRIS Please enable JavaScript.</noscript>
<div class="read-more related"><a href="/seals">Read more: READMOREDEBRIS Ten things to know
about seals</a></div>
</article></main>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">SIDEBARDEBRIS Taxes go up again in the capital city this year</a></li>
<li><a href="/b">SIDEBARDEBRIS A storm closes the harbour for the week</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>COMMENTDEBRIS I saw one too, right by the bakery!</p></div>
<div class="comment"><p>COMMENTDEBRIS Stay safe everyone.</p></div></section>
<footer class="footer">FOOTERDEBRIS Copyright The Daily Tern. All rights reserved.</footer>
</body></html>
"""
