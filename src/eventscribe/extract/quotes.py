"""Quotes (direct, indirect, mixed) with their cue and speaker.

Direct quotes come from quote marks (“ ” " " ‘ ’ « » „ “ ‹ › and NYT-style '' ''), paired
within a paragraph; a paragraph that ends inside a quote continues only when the next paragraph
opens with a quote mark (the newspaper convention), otherwise the unclosed mark is ignored. A quote split around
its cue (“...,” he said, “...”) gives two quotes with the same cue and speaker.

Indirect quotes come from the parse: every candidate cue of ``attribution.find_candidates``
(a verb with a clause, infinitive, object or prepositional object, a noun with a clause) that
the learned cue model accepts, plus "according to X, ..." and a headline "Name: claim". As in
PolNeAR, attribution is univocal: of nested or overlapping candidates the outermost is kept.
A reported clause that contains a quoted fragment is one *mixed* quote; a quoted fragment under
a verb such as "called" or "described as" is a mixed quote whose text is the fragment.

Speakers (``speakers.py``) are actors from ``find_actors``: the subject of the cue, through
relative pronouns ("Haq, who said"), personal pronouns ("he", "they": the nearest earlier
compatible actor) and descriptions ("the minister", "the group": the nearest earlier actor with
that title or kind). A quote with no cue takes the cue and speaker of the quote before it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscribe.extract.attribution import (
    Candidate,
    CueModel,
    content_bounds,
    find_candidates,
    load_cue_model,
)
from eventscribe.extract.datelines import DATELINE
from eventscribe.extract.speakers import Cue, attach_speaker
from eventscribe.parse import doc_text, doc_tokens
from eventscribe.records import Actor, Quote, QuoteKind

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MAX_QUOTE_CHARS = 1500  # an "open" quote longer than this is an unbalanced mark, not a quote
_CLOSERS = {"“": "”", "„": "“”", "«": "»", "»": "«", '"': '"', "‘": "’", "‹": "›"}
_SPEECH = frozenset(
    [
        "say",
        "tell",
        "add",
        "state",
        "declare",
        "announce",
        "warn",
        "write",
        "note",
        "explain",
        "claim",
        "insist",
        "urge",
        "stress",
        "ask",
        "reply",
        "respond",
        "conclude",
        "argue",
        "accuse",
        "deny",
        "confirm",
        "admit",
        "acknowledge",
        "allege",
        "cite",
        "tweet",
        "post",
        "report",
        "comment",
        "remark",
        "observe",
        "predict",
        "promise",
        "vow",
        "pledge",
        "threaten",
        "demand",
        "chant",
        "shout",
        "recall",
        "complain",
        "suggest",
        "believe",
        "emphasize",
        "emphasise",
        "maintain",
        "assert",
        "contend",
        "continue",
    ]
)
# Verbs that introduce a quoted fragment rather than a reported clause.
_FRAGMENT = frozenset(
    ["call", "describe", "brand", "label", "term", "dub", "denounce", "condemn", "refer"]
)
_STOPS = frozenset({".", "!", "?", "\n", ";"})


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """Text between a pair of quote marks: content offsets and the marks' offsets."""

    open: int  # offset of the opening mark
    close: int  # offset of the closing mark
    pieces: tuple[tuple[int, int], ...]  # content per paragraph, marks and edge spaces removed

    @property
    def start(self) -> int:
        """Return where the content starts."""
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        """Return where the content ends."""
        return self.pieces[-1][1]


def find_marked_spans(text: str, *, max_chars: int = MAX_QUOTE_CHARS) -> list[MarkedSpan]:
    """Pair quote marks in ``text``, never across an unmarked paragraph break."""
    text = text.replace("''", ' "')  # two apostrophes are a double mark (NYT style)
    spans: list[MarkedSpan] = []
    pieces: list[tuple[int, int]] = []
    opener, first, opened = "", -1, -1  # the open mark, where the quote and its piece opened
    i = 0
    while i < len(text):
        ch = text[i]
        if opener and i - first > max_chars:
            opener, pieces, i = "", [], first + 1  # unbalanced: forget the mark and read on
            continue
        if opener and ch == "\n":
            nxt = _continuation(text, i, opener)
            pieces.append(_trim(text, opened + 1, i))
            opener, opened, i = (opener, nxt, nxt + 1) if nxt >= 0 else ("", -1, i + 1)
            pieces = pieces if opener else []
            continue
        if opener and ch in _CLOSERS[opener] and _can_close(text, i, opener):
            pieces.append(_trim(text, opened + 1, i))
            if pieces[-1][1] > pieces[-1][0]:
                spans.append(MarkedSpan(open=first, close=i, pieces=tuple(pieces)))
            opener, pieces = "", []
        elif not opener and ch in _CLOSERS and _can_open(text, i):
            opener, first, opened = ch, i, i
        i += 1
    return spans


def _continuation(text: str, newline: int, opener: str) -> int:
    """Return where the next paragraph reopens the same quote, or -1."""
    nxt = newline
    while nxt < len(text) and text[nxt].isspace():
        nxt += 1
    return nxt if nxt < len(text) and text[nxt] == opener else -1


def _can_open(text: str, i: int) -> bool:
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch == "‘":
        return not before.isalnum() and not after.isspace()
    if ch == "»":  # Danish/German style »...« only when followed by a word
        return after.isalnum()
    return not after.isspace() or ch in "«„"


def _can_close(text: str, i: int, opener: str) -> bool:
    if opener != "‘":
        return True
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalnum()  # the ’ in people’s is an apostrophe


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- quotes from marks -------------------------------------------------------------------------


def extract_quotes(
    doc: Doc, *, actors: Sequence[Actor], cue_model: CueModel | None = None
) -> list[Quote]:
    """Return the direct, mixed and indirect quotes of ``doc`` in text order."""
    ordered = sorted(actors, key=lambda a: a.start)
    marked = [
        m for m in find_marked_spans(doc_text(doc)) if _tokens(doc, m.start, m.end) is not None
    ]
    model = cue_model if cue_model is not None else load_cue_model()
    indirect = _indirect_quotes(doc, ordered, marked, model)
    quotes = list(indirect) + _headline_quote(doc, ordered, marked)
    covered = [(q.start, q.end) for q in quotes if q.kind == "mixed"]
    previous: Quote | None = None
    for span in marked:
        if any(s <= span.start and span.end <= e for s, e in covered):
            continue
        quote = _quote_from_marks(doc, span, ordered, previous, model)
        if quote is not None:
            quotes.append(quote)
            previous = quote if quote.kind == "direct" else previous
    return sorted(quotes, key=lambda q: q.start)


_HEADLINE = re.compile(r"([A-Z][^\n:.!?]{1,60}?):\s+(\S[^\n]*\S)")


def _headline_quote(doc: Doc, actors: list[Actor], marked: list[MarkedSpan]) -> list[Quote]:
    """Return the headline's claim in "Graham: Trump's Rhetoric Destroying GOP's Chance"."""
    m = _HEADLINE.match(doc_text(doc))
    if m is None or len(m.group(1).split()) > 6 or len(m.group(2).split()) < 3:
        return []
    start, end = m.span(2)
    if any(s.open <= start and end <= s.close + 1 for s in marked):
        return []  # the whole claim is marked: a direct quote from the marks
    speaker = next((a for a in actors if m.start(1) <= a.start and a.end <= m.end(1)), None)
    if speaker is None:
        return []  # "Breaking News: ...", "Update: ...": a label, not a source
    kind: QuoteKind = "mixed" if any(start <= s.open < end for s in marked) else "indirect"
    quote = Quote(text=m.group(2), start=start, end=end, kind=kind)
    quote.cue, quote.cue_start, quote.cue_end = ":", m.end(1), m.end(1) + 1
    quote.speaker, quote.speaker_text = speaker, m.group(1)
    quote.speaker_start, quote.speaker_end = m.span(1)
    return [quote]


_ASSERTING = frozenset({"report", "reveal", "learn", "find", "estimate", "conclude"})


def states_claim(quote: Quote, doc: Doc) -> bool:
    """Tell a quote that asserts what it contains (“X said ...”) from an attitude or act.

    Every attribution has a source, but only what a source says, reports or finds makes it the
    claimant of the events inside: "X wants to ...", "X supported the protesters" or "X signed
    the agreement" attribute content without vouching for it.
    """
    if quote.kind != "indirect" or quote.cue in (":", None):
        return quote.speaker is not None
    if quote.cue.lower().startswith("according"):
        return True
    cue = _tokens(doc, quote.cue_start or 0, quote.cue_end or 0)
    lemma = cue[0].lemma_.lower() if cue is not None and len(cue) else ""
    return lemma in _SPEECH or lemma in _ASSERTING


def _tokens(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _quote_from_marks(
    doc: Doc, span: MarkedSpan, actors: list[Actor], previous: Quote | None, model: CueModel
) -> Quote | None:
    content = "\n".join(doc_text(doc)[s:e] for s, e in span.pieces)
    direct = _looks_direct(doc_text(doc), span, content)
    cue = _cue_near(doc, span, fragment=not direct, model=model)
    if not direct and cue is None:
        return None  # scare quotes or a title, not somebody's words
    kind: QuoteKind = "direct" if direct else "mixed"
    quote = Quote(text=content, start=span.start, end=span.end, kind=kind)
    if cue is not None:
        attach_speaker(quote, doc, cue, actors)
    elif previous is not None and _continues(doc_text(doc), previous, span):
        _continue_attribution(quote, previous)
    return quote


def _continue_attribution(quote: Quote, previous: Quote) -> None:
    """Give a quote without a cue the cue and speaker of the one it goes on from."""
    quote.cue, quote.cue_start, quote.cue_end = previous.cue, previous.cue_start, previous.cue_end
    quote.speaker, quote.speaker_text = previous.speaker, previous.speaker_text
    quote.speaker_start, quote.speaker_end = previous.speaker_start, previous.speaker_end


def _looks_direct(text: str, span: MarkedSpan, content: str) -> bool:
    before = text[: span.open].rstrip(" \t")
    if not before or before[-1] in ":,\n" or before[-1] in ".!?":
        return True
    if content[:1].islower():
        return False  # a fragment woven into the sentence: “an outrageous attack.”
    if content.rstrip()[-1:] in ".!?,…" or len(content.split()) >= 8:
        return True
    return re.search(r"\b(?:" + "|".join(_SPEECH_FORMS) + r")\s*$", before) is not None


_SPEECH_FORMS = ("said", "says", "told", "added", "stated", "declared", "wrote", "warned", "asked")


def _continues(text: str, previous: Quote, span: MarkedSpan) -> bool:
    """Return True when a quote without a cue follows the last one in its paragraph or the next."""
    line_start = text.rfind("\n", 0, span.open) + 1
    if not text[line_start : span.open].strip():
        return True
    return "\n" not in text[previous.end : span.open]


def _cue_near(doc: Doc, span: MarkedSpan, *, fragment: bool, model: CueModel) -> Cue | None:
    """Find the cue right after the closing mark (“...,” she said) or before the opening one."""
    after = _context_after(doc, span.close + 1)
    before = _context_before(doc, span.open)
    verbs = _SPEECH | _FRAGMENT if fragment else _SPEECH
    for n, token in enumerate([] if fragment else after):
        near = n < 10 or (after[0] in token.subtree)  # past a long subject: "X, a ..., said"
        if near and _is_cue_word(token, verbs, model):
            return _verb_cue(token)
    according = _according_cue(after) or _according_cue(before)
    if according is not None:
        return according
    for token in reversed(before):
        if _is_cue_word(token, verbs, None if fragment else model):
            return _verb_cue(token)
    return None


_LEARNED_CUE = 0.25  # a verb the cue model weighs at least this much introduces a direct quote


def _is_cue_word(token: Token, verbs: frozenset[str], model: CueModel | None) -> bool:
    """Tell a verb that introduces a quote: a speech verb, or one the cue model learned."""
    if token.pos_ not in ("VERB", "AUX", ""):
        return False
    if token.lemma_ in verbs:
        return True
    return model is not None and model.weights.get(f"lemma={token.lemma_}", 0.0) >= _LEARNED_CUE


def _context_after(doc: Doc, offset: int) -> list[Token]:
    span = doc.char_span(offset, len(doc_text(doc)), alignment_mode="expand")
    tokens: list[Token] = []
    for token in span if span is not None else []:
        if token.text in _STOPS or token.text in _CLOSERS or "\n" in token.text:
            break
        tokens.append(token)
    return tokens[:40]


def _context_before(doc: Doc, offset: int) -> list[Token]:
    led = doc_text(doc)[:offset].rstrip()
    if led.endswith(":"):
        offset = len(led)  # “Cruz continued:” ends the paragraph before the quote
    span = doc.char_span(0, offset, alignment_mode="contract")
    tokens: list[Token] = []
    for token in reversed(span) if span is not None else []:
        if token.text in _STOPS or "\n" in token.text or token.text in "”»":
            break
        tokens.append(token)
    return list(reversed(tokens[:30]))


def _verb_cue(token: Token) -> Cue:
    end = token.idx + len(token.text)
    particle = [
        c
        for c in token.children
        if c.dep_ == "prt"
        or (c.dep_ == "prep" and c.i == token.i + 1 and c.lower_ in ("for", "as"))
    ]
    if particle:
        end = particle[0].idx + len(particle[0].text)
    return Cue(token, doc_text(token.doc)[token.idx : end], token.idx, end, _subject(token))


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        if verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return verb.head  # a misparse of "Pompeo, who called ... and cited ..."
        return _subject(verb.head)  # "who called ... and cited ..."
    return None


def _according_cue(tokens: list[Token]) -> Cue | None:
    for first, second in itertools.pairwise(tokens):
        if first.lower_ == "according" and second.lower_ == "to":
            objects = [c for c in second.children if c.dep_ == "pobj"]
            subject = objects[0] if objects else _next_noun(tokens, second.i)
            end = second.idx + len(second.text)
            # as written ("According to"), so that the cue offsets slice to the cue
            return Cue(None, doc_text(first.doc)[first.idx : end], first.idx, end, subject)
    return None


def _next_noun(tokens: list[Token], after: int) -> Token | None:
    return next((t for t in tokens if t.i > after and t.pos_ in ("PROPN", "NOUN", "PRON")), None)


# --- indirect quotes ---------------------------------------------------------------------------


def _indirect_quotes(
    doc: Doc, actors: list[Actor], marked: list[MarkedSpan], model: CueModel
) -> list[Quote]:
    inside_marks = [(m.open, m.close) for m in marked]
    quotes = []
    for candidate in _chosen_candidates(doc, model, inside_marks):
        quotes += _reported_content(doc, candidate, actors, marked)
    tokens = doc_tokens(doc)
    for token, lower in zip(tokens.tokens, tokens.lower, strict=True):
        if lower == "according" and not any(o < token.idx < c for o, c in inside_marks):
            quote = _according_clause(doc, token, actors)
            if quote is not None and not any(_overlaps(quote, q) for q in quotes):
                quotes.append(quote)
    return quotes


def _chosen_candidates(
    doc: Doc, model: CueModel, inside_marks: list[tuple[int, int]]
) -> list[Candidate]:
    """Keep the best candidate per cue word that the model accepts, the outermost claim first.

    PolNeAR-style attribution is univocal: a cue inside content already attributed, or a
    content overlapping one already taken, is a nested report and not kept.
    """
    best: dict[int, tuple[float, Candidate]] = {}
    for c in find_candidates(doc):
        if c.end <= c.start or any(o < c.cue.idx < e for o, e in inside_marks):
            continue
        score = model.score(c)
        if c.kind == "clause" and c.cue.lemma_ in _SPEECH:
            score = max(score, model.threshold)  # "X cited that ...": a codebook speech verb
        if score >= model.threshold and score > best.get(c.cue.i, (0.0, c))[0]:
            best[c.cue.i] = (score, c)
    kept: list[Candidate] = []
    for _, c in sorted(best.values(), key=lambda sc: sc[1].start - sc[1].end):
        if not any(_clashes(c, k) for k in kept):
            kept.append(c)
    return kept


def _clashes(a: Candidate, b: Candidate) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    return a.start <= b.cue.idx < a.end or b.start <= a.cue.idx < b.end


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.start < b.end and b.start < a.end


def _reported_content(
    doc: Doc, c: Candidate, actors: list[Actor], marked: list[MarkedSpan]
) -> list[Quote]:
    """Return the indirect (or mixed) quote a candidate cue reports; none for a direct one.

    A cue inside its content ("After 2018, the budget office said, deficits rise") splits the
    content in two quotes that share the cue, as a direct quote split around its cue does.
    """
    start, end = _after_dateline(doc_text(doc), c.start, c.end), c.end
    marks = [m for m in marked if m.open < end and start <= m.close]
    if end - start < 2 or any(m.open <= start for m in marks):
        return []  # the clause is a direct quote (or part of one): handled from the marks
    if marks and c.cue.lemma_ in _FRAGMENT:
        return []  # called the teachers “troublemakers”: the marked fragment is the quote
    end = max([end, *(m.close + 1 for m in marks)])  # Voters “think ... eggs,” he said
    kind: QuoteKind = "mixed" if marks else "indirect"
    pieces = _around_cue(doc_text(doc), c, start, end)
    cue = _verb_cue(c.cue)
    cue.subject = c.subject
    quotes = [Quote(text=doc_text(doc)[s:e], start=s, end=e, kind=kind) for s, e in pieces]
    for quote in quotes:
        attach_speaker(quote, doc, cue, actors)
    return quotes


def _around_cue(text: str, c: Candidate, start: int, end: int) -> list[tuple[int, int]]:
    if not start <= c.cue.idx < end:
        return [(start, end)]
    left, right = c.cue.left_edge, c.cue.right_edge
    pieces = [(start, left.idx), (right.idx + len(right.text), end)]
    pieces = [_trim_punct(text, s, e) for s, e in pieces]
    return [(s, e) for s, e in pieces if e - s >= 2]


def _trim_punct(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _after_dateline(text: str, start: int, end: int) -> int:
    """Move a clause start past a dateline ("KHARTOUM, June 3 (AP) — ")."""
    if start == text.rfind("\n", 0, start) + 1:
        dateline = DATELINE.match(text, start)
        if dateline is not None and dateline.end() < end:
            return dateline.end()
    return start


def _according_clause(doc: Doc, according: Token, actors: list[Actor]) -> Quote | None:
    cue = _according_cue([according, *doc[according.i + 1 : according.i + 2]])
    if cue is None or not doc.has_annotation("SENT_START"):
        return None
    phrase = {t.i for t in according.subtree}
    sent = according.sent
    rest = [t for t in sent if t.i not in phrase]
    after = [t for t in rest if t.i > according.i]
    before = [t for t in rest if t.i < according.i]
    start, end = content_bounds(after if len(after) >= len(before) else before)
    if end - start < 8:
        return None
    quote = Quote(text=doc_text(doc)[start:end], start=start, end=end, kind="indirect")
    attach_speaker(quote, doc, cue, actors)
    return quote
