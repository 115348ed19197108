"""The PolNeAR reader and scorer behind ``bench/quotes.py --polnear``, on a hand-written file."""

from __future__ import annotations

import sys
from pathlib import Path

from eventscribe.records import Actor, Quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from polnear import group_predictions, match, overlap, read_split, speaker_right

TEXT = "“We won,” she said. “It was close.” Officials said the count ended."
ANN = (
    "T1\tSource 10 13\tshe\n"
    "T2\tCue 14 18\tsaid\n"
    "T3\tContent 1 8;21 34\tWe won, It was close.\n"
    "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    "T4\tContent 51 66\tthe count ended\n"
    "T5\tCue 46 50\tsaid\n"
    "E2\tAttribution-no-source:T5 Content:T4 Cue:T5\n"
)


def split_dir(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "a_x1.ann").write_text(ANN, encoding="utf-8")
    return tmp_path


def test_reader_keeps_discontinuous_content_and_missing_sources(tmp_path: Path) -> None:
    [article] = read_split(split_dir(tmp_path))
    first, second = article.attributions
    assert first.content == ((1, 8), (21, 34)) and first.source == ((10, 13),)
    assert second.source is None and TEXT[51:66] == "the count ended"


def test_quotes_sharing_a_cue_score_as_one_content(tmp_path: Path) -> None:
    [article] = read_split(split_dir(tmp_path))
    she = Actor(name="Ann Lee", text="she", start=10, end=13, kind="person")
    quotes = [
        Quote(text="We won,", start=1, end=8, kind="direct", cue_start=14, cue_end=18, speaker=she),
        Quote(text="It was close.", start=21, end=34, kind="direct", cue_start=14, cue_end=18),
        Quote(text="the count", start=51, end=60, kind="indirect", cue_start=46, cue_end=50),
    ]
    quotes[0].speaker_start, quotes[0].speaker_end = 10, 13
    predicted = group_predictions(quotes)
    assert [p.pieces for p in predicted] == [[(1, 8), (21, 34)], [(51, 60)]]
    pairs = match(article.attributions, predicted)
    assert len(pairs) == 2
    assert speaker_right(TEXT, *pairs[0])


def test_overlap_is_a_share_of_the_shorter_span() -> None:
    assert overlap(((0, 10),), [(5, 7)]) == 1.0
    assert overlap(((0, 10),), [(8, 20)]) == 0.2
