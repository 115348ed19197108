"""Input dispatch: files, directories, stdin, sizes and missing paths."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventscribe.ingest import IngestFailure, read_inputs
from eventscribe.records import Article

TEXT = "Police arrested twenty protesters in the centre of Kazerun on Monday evening."
PAGE = (
    "<html><head><title>Strike</title></head><body><nav>Home News</nav><article><h1>Strike</h1>"
    "<p>Dock workers walked off the job on Tuesday at the port of Lyon. They demanded higher "
    "wages. The union said the strike would go on.</p></article></body></html>"
)


def ids(items: list[Article | IngestFailure]) -> list[str]:
    return [x.id for x in items]


def test_directory_is_walked_recursively_in_path_order(tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a/z.txt",
        "a/b/c.htm",
        "c.html",
        "a-b.txt",
        ".hidden.txt",
        ".git/x.txt",
        "notes.md",
        "data.pdf",
        "UPPER.TXT",
    ]:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE if "htm" in name else TEXT, encoding="utf-8")
    root = str(tmp_path / "in")
    out = list(read_inputs([root]))
    assert all(isinstance(x, Article) for x in out)
    expected = ["UPPER.TXT", "a/b/c.htm", "a/z.txt", "a-b.txt", "b.txt", "c.html"]
    assert ids(out) == [str(Path(root) / rel) for rel in expected]


def test_file_id_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("story.txt").write_text(TEXT, encoding="utf-8")
    [article] = read_inputs(["./story.txt"])
    assert article.id == "./story.txt"
    assert isinstance(article, Article) and article.text == TEXT


def test_inputs_keep_their_order_and_stdin_is_jsonl(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(
        json.dumps({"id": "j1", "text": TEXT}) + "\n" + json.dumps({"text": TEXT}) + "\n",
        encoding="utf-8",
    )
    stdin = io.StringIO(json.dumps({"id": "s1", "text": TEXT}) + "\n{oops\n")
    out = list(
        read_inputs([str(tmp_path / "two.jsonl"), "-", str(tmp_path / "one.txt")], stdin=stdin)
    )
    assert ids(out) == [
        "j1",
        f"{tmp_path / 'two.jsonl'}:2",
        "s1",
        "<stdin>:2",
        str(tmp_path / "one.txt"),
    ]
    assert isinstance(out[3], IngestFailure) and out[3].message.startswith("line 2: not valid JSON")


def test_missing_path_and_unsupported_type_fail_with_advice(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    out = list(read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "report.pdf")]))
    assert out == [
        IngestFailure(
            id=str(tmp_path / "nope.txt"), message="no such file or directory; check the path"
        ),
        IngestFailure(
            id=str(tmp_path / "report.pdf"),
            message="unsupported file type .pdf; give .txt, .html, .htm, .jsonl, a feed (.rss, .atom, .xml) or a WARC (.warc, .warc.gz)",
        ),
    ]


def test_oversized_file_fails_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk

    def refuse(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    [failure] = read_inputs([str(big)])
    assert failure == IngestFailure(
        id=str(big),
        message="file is 52,428,800 bytes, over the 5,000,000-byte limit (--max-bytes); "
        "split it or raise the limit",
    )


def test_bad_files_fail_alone(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "c_latin1.txt").write_bytes(b"caf\xe9 au lait")
    (tmp_path / "d_good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "e_page.html").write_text("<html><body><p>Hi</p></body></html>", encoding="utf-8")
    out = list(read_inputs([str(tmp_path)]))
    assert [type(x).__name__ for x in out] == [
        "IngestFailure",
        "IngestFailure",
        "IngestFailure",
        "Article",
        "IngestFailure",
    ]
    messages = [x.message for x in out if isinstance(x, IngestFailure)]
    assert messages[0].startswith("empty article")
    assert messages[1].startswith("binary file, not text")
    assert messages[2].startswith("invalid UTF-8 at byte offset 3 (0xe9)")
    assert messages[3].startswith("no article text found in the HTML page")
    assert all(x.stage == "ingest" for x in out if isinstance(x, IngestFailure))


def test_reading_is_lazy(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": str(i), "text": TEXT}) + "\n" for i in range(3))
    (tmp_path / "many.jsonl").write_text(lines, encoding="utf-8")
    items = read_inputs([str(tmp_path / "many.jsonl"), str(tmp_path / "missing.txt")])
    assert next(items).id == "0"  # the missing file is not looked at yet


def test_count_items_matches_what_read_inputs_yields(tmp_path: Path) -> None:
    from eventscribe.ingest.files import count_items

    (tmp_path / "a.txt").write_text("Police fired tear gas.\n")
    (tmp_path / "b.jsonl").write_text(
        '{"id": 1, "text": "x"}\n\nnot json\n{"id": 2, "text": "y"}\n'
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_text("<p>Hi</p>")
    inputs = [str(tmp_path), str(tmp_path / "missing.txt")]
    assert count_items(inputs) == len(list(read_inputs(inputs))) == 6
    (tmp_path / "feed.rss").write_text("<rss/>")
    assert count_items([str(tmp_path)]) is None
    assert count_items(["-"]) is None


# --- the safety net: a reader bug ends one input, is logged with its traceback, the run goes on --


def test_a_reader_bug_becomes_one_logged_failure_and_the_next_input_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from eventscribe.ingest.failure import guarded

    def broken() -> Iterator[Article]:
        yield Article(id="first", text="Police arrested ten people.")
        raise KeyError("a bug in a reader")

    good = tmp_path / "good.txt"
    good.write_text("Police arrested ten people in Lagos.", encoding="utf-8")
    with caplog.at_level("ERROR", logger="eventscribe.ingest"):
        items = [*guarded(broken(), id="bad.jsonl", what="the file"), *read_inputs([str(good)])]
    assert [item.id for item in items] == ["first", "bad.jsonl", str(good)]
    failure = items[1]
    assert isinstance(failure, IngestFailure)
    assert failure.message == (
        "internal error KeyError while reading the file ('a bug in a reader'); "
        "the item was skipped, please report it"
    )
    [record] = caplog.records
    assert record.exc_info is not None and record.exc_info[0] is KeyError  # the traceback is kept
