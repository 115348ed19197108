"""RSS and Atom feeds, from files and from a local HTTP server: entries become Articles."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventscribe.ingest import IngestFailure, read_inputs
from eventscribe.ingest.feeds import entry_date, read_feed, read_feed_url
from eventscribe.records import Article

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Gulf Wire Service</title>
  <link>http://wire.example/</link>
  <language>en-gb</language>
  <item>
    <title>Farmers block the highway near Shiraz</title>
    <link>http://wire.example/2018/05/farmers</link>
    <guid isPermaLink="false">wire-2018-0516-001</guid>
    <pubDate>Wed, 16 May 2018 01:30:00 +0430</pubDate>
    <category>Protests</category>
    <description>Short teaser only.</description>
    <content:encoded><![CDATA[<p>Hundreds of farmers blocked the highway near Shiraz on
      Tuesday, demanding water for their fields.</p><p>Police <b>dispersed</b> the crowd in
      the evening, witnesses said.</p><script>track()</script>]]></content:encoded>
  </item>
  <item>
    <title>Teachers rally in Kazerun</title>
    <link>http://wire.example/2018/05/teachers</link>
    <pubDate>Thu, 17 May 2018 09:00:00 GMT</pubDate>
    <description>&lt;p&gt;Teachers gathered outside the education office in Kazerun on
      Thursday to protest unpaid wages.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Only a link</title>
    <link>http://wire.example/2018/05/link-only</link>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Times</title>
  <id>urn:uuid:harbour-times</id>
  <updated>2018-05-18T08:00:00Z</updated>
  <entry>
    <title>Dock workers strike in Lyon</title>
    <id>urn:uuid:dock-strike</id>
    <link href="http://harbour.example/dock-strike"/>
    <published>2018-05-15T23:10:00-05:00</published>
    <updated>2018-05-17T10:00:00Z</updated>
    <author><name>Ada Martin</name></author>
    <content type="html">&lt;p&gt;Dock workers walked off the job at the port of Lyon
      on Tuesday.&lt;/p&gt;&lt;p&gt;The union said the strike would go on.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Port reopens</title>
    <id>urn:uuid:port-reopens</id>
    <link href="http://harbour.example/port-reopens"/>
    <updated>2018-05-18T07:00:00Z</updated>
    <summary type="text">The port of Lyon reopened on Friday after three days.</summary>
  </entry>
</feed>
"""


def test_rss_items_become_articles_with_local_dates_and_clean_text() -> None:
    first, second, third = read_feed(RSS, origin="wire.rss")
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == "wire-2018-0516-001"
    assert first.title == "Farmers block the highway near Shiraz"
    assert first.url == "http://wire.example/2018/05/farmers"
    assert first.source == "Gulf Wire Service"
    assert first.section == "Protests"
    # The outlet's own day, not the UTC one (2018-05-15 21:00 UTC).
    assert first.published == "2018-05-16"
    # content:encoded wins over the teaser; markup and scripts are gone.
    assert first.text.startswith("Hundreds of farmers blocked the highway near Shiraz")
    assert "Police dispersed the crowd" in first.text
    assert "<" not in first.text and "track()" not in first.text and "teaser" not in first.text
    # Without a guid the link is the id; an HTML-escaped description is read as HTML.
    assert second.id == "http://wire.example/2018/05/teachers"
    assert second.published == "2018-05-17"
    assert second.text.startswith("Teachers gathered outside the education office in Kazerun")
    assert isinstance(third, IngestFailure)
    assert third.id == "http://wire.example/2018/05/link-only"
    assert third.title == "Only a link" and "no content or summary" in third.message


def test_atom_entries_become_articles() -> None:
    strike, reopens = read_feed(ATOM, origin="harbour.atom")
    assert isinstance(strike, Article) and isinstance(reopens, Article)
    assert (strike.id, strike.url) == ("urn:uuid:dock-strike", "http://harbour.example/dock-strike")
    assert strike.source == "Harbour Times" and strike.author == "Ada Martin"
    assert strike.published == "2018-05-15"  # published (local day) beats updated
    assert strike.text.splitlines() == [
        "Dock workers walked off the job at the port of Lyon on Tuesday.",
        "The union said the strike would go on.",
    ]
    assert reopens.published == "2018-05-18"  # only updated is given
    assert reopens.text == "The port of Lyon reopened on Friday after three days."


def test_entry_date_prefers_the_written_day_and_falls_back_to_none() -> None:
    assert entry_date({"published": "Tue, 15 May 2018 23:30:00 -0700"}) == "2018-05-15"
    assert entry_date({"updated": "2018-05-15"}) == "2018-05-15"
    assert entry_date({"published": "sometime in May"}) is None
    assert entry_date({}) is None


def test_feed_files_are_dispatched_and_a_malformed_feed_fails_while_the_rest_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.rss").write_bytes(RSS)
    (tmp_path / "b_broken.xml").write_bytes(RSS[: RSS.index(b"<title>Teachers")] + b"<titl")
    (tmp_path / "c_page.xml").write_bytes(b"<html><body><p>Not a feed.</p></body></html>")
    (tmp_path / "d.atom").write_bytes(ATOM)
    out = list(read_inputs([str(tmp_path)]))
    assert [type(x).__name__ for x in out] == [
        *("Article", "Article", "IngestFailure"),  # a.rss
        *("Article", "IngestFailure", "IngestFailure"),  # b_broken.xml
        "IngestFailure",  # c_page.xml
        *("Article", "Article"),  # d.atom
    ]
    broken = out[5]
    assert broken.id == str(tmp_path / "b_broken.xml")
    assert isinstance(broken, IngestFailure)
    assert broken.message == (
        "malformed feed (unclosed token at line 19); 2 entries were recovered and may be "
        "incomplete; fix or re-download the feed"
    )
    assert isinstance(out[6], IngestFailure)
    assert out[6].message.startswith("not an RSS or Atom feed")


# No XML declaration: only the HTTP header names a charset. Read as "unicode-escape", \\x41
# would become "A" (and "\\ò" warn), so the header's charset must be ignored and sniffed.
ESCAPED_RSS = (
    '<rss version="2.0"><channel><title>Escapes</title><item><guid isPermaLink="false">e-1</guid>'
    "<title>A \\x41 B</title><description>Police fired tear gas at protesters in Lagos on"
    " Monday. Café \\u0041 \\ò.</description></item></channel></rss>"
).encode()


class _FeedServer:
    """A loopback HTTP server: /feed.rss answers the RSS feed, /escape.rss one served with an
    escape codec as its header charset, anything else 404."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/feed.rss":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(RSS)))
                    self.end_headers()
                    self.wfile.write(RSS)
                elif self.path == "/escape.rss":  # a header charset that is an escape codec
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml; charset=unicode-escape")
                    self.send_header("Content-Length", str(len(ESCAPED_RSS)))
                    self.end_headers()
                    self.wfile.write(ESCAPED_RSS)
                else:
                    self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def feed_server() -> Iterator[_FeedServer]:
    served = _FeedServer()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()
    served.thread.join()


def test_feed_url_is_fetched_over_http(feed_server: _FeedServer) -> None:
    url = feed_server.url + "/feed.rss"
    out = list(read_inputs([url]))
    assert [x.id for x in out] == [
        "wire-2018-0516-001",
        "http://wire.example/2018/05/teachers",
        "http://wire.example/2018/05/link-only",
    ]
    assert isinstance(out[0], Article) and out[0].source == "Gulf Wire Service"


def test_an_escape_codec_in_the_content_type_header_is_ignored(feed_server: _FeedServer) -> None:
    """charset=unicode-escape in Content-Type reached feedparser, which decoded escapes with it."""
    url = feed_server.url + "/escape.rss"
    out = list(read_feed_url(url))  # pytest turns the codec's DeprecationWarning into an error
    assert out == [
        Article(
            id="e-1",
            text="Police fired tear gas at protesters in Lagos on Monday. Café \\u0041 \\ò.",
            title="A \\x41 B",
            source="Escapes",
            language="en",
        )
    ]


def test_an_escape_codec_in_given_headers_is_ignored_whatever_their_case() -> None:
    for name in ("content-type", "Content-Type"):
        for charset in ("unicode-escape", '"raw-unicode-escape"', "punycode", "idna"):
            headers = {name: f"application/rss+xml; charset={charset}; q=1"}
            [article] = read_feed(ESCAPED_RSS, origin="f", headers=headers)
            assert isinstance(article, Article) and article.title == "A \\x41 B", headers


def test_http_error_gives_one_failure(feed_server: _FeedServer) -> None:
    url = feed_server.url + "/missing.rss"
    assert list(read_feed_url(url)) == [
        IngestFailure(id=url, message="the server answered HTTP 404; check the feed address")
    ]


def test_unreachable_and_silent_servers_fail_with_advice() -> None:
    with socket.socket() as probe:  # a port nobody listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/feed.rss"
    [refused] = read_feed_url(closed, timeout=2)
    assert isinstance(refused, IngestFailure) and refused.id == closed
    assert refused.message.startswith("cannot fetch the feed (")
    assert refused.message.endswith("or save the feed and give the file")
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/feed.rss"
        [timed_out] = read_feed_url(url, timeout=0.3)
    assert isinstance(timed_out, IngestFailure)
    assert timed_out.message.startswith("cannot fetch the feed (no answer in time)")


# --- found by fuzzing (tests/fuzz): each used to raise or to give a broken date ----------------

STORY = "Police fired tear gas at protesters in Lagos on Monday, witnesses said."


def _rss(item: str, *, declaration: str = "") -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>W</title>{item}</channel></rss>'.encode()
    )


def test_a_reference_to_a_surrogate_becomes_a_replacement_character() -> None:
    """feedparser's lenient parser raised UnicodeEncodeError on &#xD800; (chr(0xD800).encode())."""
    feed = _rss(
        f"<item><title>T &#xD800;</title><description>{STORY} &#55296; &#0;</description></item>"
    )
    [article] = read_feed(feed, origin="f.xml")
    assert isinstance(article, Article)
    assert article.text == STORY + " \ufffd \ufffd" and article.title == "T \ufffd"


def test_an_encoding_feedparser_cannot_decode_with_is_sniffed_instead() -> None:
    """encoding="undefined" made feedparser raise UnicodeError from bytes.decode."""
    item = f"<item><title>T</title><description>{STORY}</description></item>"
    items = list(
        read_feed(_rss(item, declaration='<?xml version="1.0" encoding="undefined"?>'), origin="f")
    )
    assert [a.text for a in items if isinstance(a, Article)] == [STORY]


def test_an_escape_codec_declared_as_the_encoding_is_read_as_utf8() -> None:
    """encoding="unicode-escape" decoded backslashes as escapes (and warned on "\\ò")."""
    item = f"<item><title>A \\ B</title><description>{STORY} Café \\ò.</description></item>"
    declaration = '<?xml version="1.0" encoding="unicode-escape"?>'
    [article] = [a for a in read_feed(_rss(item, declaration=declaration), origin="f") if a]
    assert isinstance(article, Article)
    assert article.title == "A \\ B" and article.text == STORY + " Café \\ò."


def test_a_year_zero_date_gives_no_date_not_a_negative_year() -> None:
    item = f"<item><pubDate>0000-00-00</pubDate><description>{STORY}</description></item>"
    [article] = read_feed(_rss(item), origin="f")
    assert isinstance(article, Article) and article.published is None


def test_a_control_character_in_entry_markup_is_dropped() -> None:
    """Found by fuzzing: lxml raised ValueError on U+0001 in an entry's HTML fragment."""
    item = f"<item><description>&lt;p&gt;{STORY}\x01&lt;/p&gt;</description></item>"
    article, *rest = read_feed(_rss(item), origin="f")  # then "malformed feed": U+0001 is not XML
    assert isinstance(article, Article) and article.text == STORY
    assert [type(r).__name__ for r in rest] == ["IngestFailure"]
