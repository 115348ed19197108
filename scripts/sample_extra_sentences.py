"""Draw a second batch of real train-side sentences for data/real/events, enriched for rare types.

    python scripts/sample_extra_sentences.py [--batch 1|2|3|4|5|6] [--corpora ../shared/corpora]

The first batch (`sentences.jsonl`, drawn by sample_real_sentences.py) is a plain random sample,
so the rare PLOVER types (REJECT, THREATEN, CONCEDE, SUPPORT, REQUEST, ...) and the rare ACLED
sub-event types (air strikes, territory, disrupted weapons) have a handful of examples each.
This batch draws only from documents on the **train** side of the same split (PolNeAR's own
train folder; TR-News, GeoVirus and event-location documents whose SHA-1 is odd), never a
sentence already drawn, and takes most of each quota from sentences with a cue word for those
types (the rest at random, so the batch keeps non-events and common types too). The cue words
only choose what gets annotated; the labels come from the annotators (GUIDE.md). Batch 1 writes
`sentences-extra.jsonl` (ids `realx-NNNN`, all `split` train) and two annotation slices in
`passes-extra/`; batch 2 (`sentences-extra2.jsonl`, `realx2-NNNN`, `passes-extra2/`) was drawn
after batch 1 was labelled, with cues for the types still thin: RETREAT, AGREE, CONSULT,
COOPERATE, AID, THREATEN, and air strikes and territory changes. Batch 3
(`sentences-extra3.jsonl`, `realx3-NNNN`, `passes-extra3/`, 800 sentences) was drawn after
batch 2 was labelled, with cues for the statement types the classifier still misses most
(accusations, rejections, threats, support, appeals, concessions) and for arrests, mob
violence, looting, force against protesters, territory changes and armed groups' changes.
Batch 4 (`sentences-extra4.jsonl`, `realx4-NNNN`, `passes-extra4/`, 800 sentences) was drawn
after batch 3 was labelled, with cues for the statement types that cross-validation still sends
to "no event" most (accusations, rejections, support, agreements, concessions, threats,
meetings, appeals) and for the conflict types it confuses (clashes and attacks, territory
changes, arrests); GeoVirus gets a larger random share, for hard non-events. Batch 5
(`sentences-extra5.jsonl`, `realx5-NNNN`, `passes-extra5/`, about 600) takes every train-side
event-location sentence left (about 300: conflict text, which carries most of the ACLED weight),
and more TR-News local news and PolNeAR statements with the batch 4 cues. Batch 6
(`sentences-extra6.jsonl`, `realx6-NNNN`, `passes-extra6/`, 700) was drawn after batch 5 was
labelled, with cues for the types cross-validation still scores lowest with the fewest examples:
threats, concessions, agreements, cooperation, retreats, sanctions, aid and meetings, and
abductions, looting, mob violence, weapons seized, dispersals and armed groups' changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from pathlib import Path

from sample_real_sentences import _sentences, _split, _xml_docs

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "real" / "events"
SEED = 20261203
_STATEMENT = re.compile(
    r"\b(accus|blam|condemn|critici[sz]|denounc|slam|reject|den(y|ied|ies)\b|refus|dismiss|threat"
    r"|warn|vow|urg(e|ed|es|ing)\b|call(ed|s|ing)? (on|for)|demand|appeal|plead|support|endors"
    r"|prais|backed|welcom|agree|accord|signed|cooperat|concede|admit|apologi|resign|withdr"
    r"|pull(ed|s)? out|retreat|step(ped|s)? down|ceasefire|cease-fire|talks with|met with|sanction"
    r"|veto|boycott|expel|releas|pardon)",
    re.IGNORECASE,
)
_PHYSICAL = re.compile(
    r"\b(air ?strike|air raid|warplane|drone|jets?\b|helicopter|bomb(ed|ing|er)|recaptur|retook"
    r"|regain|seiz|captur|took control|taken control|liberat|overr(an|un)|handed over|surrender"
    r"|defus|dismantl|intercept|loot|arson|torch|set fire|kidnap|abduct|rap(e|ed)\b|shell(ed|ing)"
    r"|missile|rocket|mortar|ambush|clash|arrest|detain|protest|demonstrat|riot|strike)",
    re.IGNORECASE,
)
_STATEMENT_2 = re.compile(
    r"\b(withdr|pull(ed|s|ing)? (out|back)|retreat|evacuat|freed|releas|hand(ed)? over|disarm"
    r"|demobili|agree|deal\b|accord|treaty|signed|pledg|promis|ceasefire|cease-fire|truce|met\b"
    r"|meet|talks|visit|summit|phone|negotiat|mediat|cooperat|joint|alliance|partner|aid\b"
    r"|assistance|humanitarian|donat|relief|threat|warn|ultimatum|vow|impos|sanction|expel)",
    re.IGNORECASE,
)
_PHYSICAL_2 = re.compile(
    r"\b(air ?strike|air raid|warplane|drone|jets?\b|helicopter|bombard|recaptur|retook|regain"
    r"|took control|taken control|seized control|captur|liberat|overr(an|un)|withdr|retreat"
    r"|pull(ed|s)? out|surrender|handed over|evacuat|aid\b|relief|humanitarian|truce|ceasefire"
    r"|cease-fire|talks|agree|defus|intercept|shot down)",
    re.IGNORECASE,
)
_STATEMENT_3 = re.compile(
    r"\b(accus|blam|alleg|fault(ed|s)?\b|charg(ed|es) that|criticiz|condemn|denounc|lambast|attack(ed|s)? "
    r"(him|her|them|the|his|their)|reject|den(y|ied|ies)\b|refus|dismiss|veto|rebuff|threat|warn"
    r"|vow|ultimatum|support|endors|prais|back(ed|s|ing)?\b|defend|urg(e|ed|es|ing)\b|demand"
    r"|call(ed|s|ing)? (on|for)|ask(ed|s)? (for|the)|admit|conced|apologi|resign|back(ed)? down"
    r"|drop(ped|s)? out|suspend|cooperat|work(ed|ing)? with|partner|sanction|impos)",
    re.IGNORECASE,
)
_PHYSICAL_3 = re.compile(
    r"\b(arrest|detain|round(ed)? up|in custody|jail|mob\b|lynch|vigilant|loot|torch|burn(ed|t)"
    r"|set (on )?fire|tear ?gas|rubber bullet|water cannon|opened fire on|fired on|dispers|recaptur"
    r"|retook|took control|seized|captur|overr(an|un)|merg|splinter|pledg|allegiance|joined forces"
    r"|new group|base\b|recruit|kidnap|abduct|hostage|grenade|ambush|raid)",
    re.IGNORECASE,
)
_STATEMENT_4 = re.compile(
    r"\b(accus|blam|alleg|criticiz|condemn|denounc|attack(ed|s)? (him|her|them|the|his|their)"
    r"|reject|den(y|ied|ies)\b|refus|dismiss|oppos|support|endors|prais|back(ed|s|ing)?\b|welcom"
    r"|agree|deal\b|compromis|conced|admit|apologi|resign|withdr|drop(ped|s)? out|threat|warn"
    r"|vow|met\b|meet|talks|negotiat|urg(e|ed|es|ing)\b|demand|call(ed|s|ing)? (on|for)|ask(ed)?"
    r"|sanction|impos|cooperat|work(ed|ing)? with|mobiliz|rall(y|ied|ies)|deploy)",
    re.IGNORECASE,
)
_PHYSICAL_4 = re.compile(
    r"\b(clash|fight|battl|attack|ambush|gunm[ae]n|militant|insurgent|rebel|fired|shot|killed"
    r"|wounded|recaptur|retook|regain|took control|seized|captur|overr(an|un)|advanc|pushed"
    r"|arrest|detain|raid|kidnap|abduct|protest|march|riot|loot|burn)",
    re.IGNORECASE,
)
_RARE_6 = re.compile(
    r"\b(threat|warn(ed|s|ing)?\b|ultimatum|vow(ed|s)? to|or else|conced|admit|apologi|back(ed)? down"
    r"|gave in|caved|resign|step(ped|s)? down|agree|deal\b|accord|treaty|signed|pact|settlement"
    r"|cooperat|work(ed|ing)? (together|with)|joint|partner|coalition|ally|allies|withdr|pull(ed|s|ing)?"
    r" (out|back)|retreat|evacuat|demobili|disarm|sanction|embargo|ban(ned|s)?\b|suspend|expel|boycott"
    r"|fine[ds]?\b|aid\b|donat|relief|assistance|supplies|met\b|meet|talks|summit|visit"
    r"|kidnap|abduct|hostage|loot|vandal|torch|set (on )?fire|mob\b|lynch|defus|seized (a|an|the)"
    r" (cache|weapon|arms)|dispers|tear ?gas|merg|splinter|allegiance|handed over|transfer)",
    re.IGNORECASE,
)
# batch -> corpus -> (sentences, share taken from cue sentences, cue pattern)
QUOTAS = {
    1: {
        "PolNeAR": (280, 0.8, _STATEMENT),
        "event-location": (220, 0.7, _PHYSICAL),
        "TR-News": (60, 0.5, _PHYSICAL),
        "GeoVirus": (40, 0.5, _PHYSICAL),
    },
    2: {
        "PolNeAR": (280, 0.85, _STATEMENT_2),
        "event-location": (240, 0.8, _PHYSICAL_2),
        "TR-News": (50, 0.6, _PHYSICAL_2),
        "GeoVirus": (30, 0.6, _PHYSICAL_2),
    },
    3: {
        "PolNeAR": (400, 0.85, _STATEMENT_3),
        "event-location": (300, 0.8, _PHYSICAL_3),
        "TR-News": (60, 0.6, _PHYSICAL_3),
        "GeoVirus": (40, 0.5, _PHYSICAL_3),
    },
    4: {
        "PolNeAR": (360, 0.85, _STATEMENT_4),
        "event-location": (280, 0.7, _PHYSICAL_4),
        "TR-News": (80, 0.6, _PHYSICAL_4),
        "GeoVirus": (80, 0.4, _PHYSICAL_4),
    },
    5: {
        "PolNeAR": (120, 0.85, _STATEMENT_4),
        "event-location": (300, 0.0, _PHYSICAL_4),
        "TR-News": (140, 0.6, _PHYSICAL_4),
        "GeoVirus": (40, 0.5, _PHYSICAL_4),
    },
    6: {
        "PolNeAR": (440, 0.9, _RARE_6),
        "event-location": (0, 0.0, _RARE_6),
        "TR-News": (160, 0.7, _RARE_6),
        "GeoVirus": (100, 0.7, _RARE_6),
    },
}
NAMES = {
    1: ("sentences-extra.jsonl", "realx", "passes-extra"),
    2: ("sentences-extra2.jsonl", "realx2", "passes-extra2"),
    3: ("sentences-extra3.jsonl", "realx3", "passes-extra3"),
    4: ("sentences-extra4.jsonl", "realx4", "passes-extra4"),
    5: ("sentences-extra5.jsonl", "realx5", "passes-extra5"),
    6: ("sentences-extra6.jsonl", "realx6", "passes-extra6"),
}


def _pool(corpora: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Return corpus -> [(corpus label, doc, sentence)] over train-side documents only."""
    pools: dict[str, list[tuple[str, str, str]]] = {k: [] for k in QUOTAS[1]}
    for path in sorted((corpora / "polnear" / "train" / "text").glob("*.txt")):
        for s in _sentences(path.read_text(encoding="utf-8")):
            pools["PolNeAR"].append(("PolNeAR", f"polnear-{path.stem}", s))
    seen: set[str] = set()
    for line in (corpora / "event-location-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = row["text"].strip()
        doc = "el-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        if text not in seen and 40 <= len(text) <= 400 and _split(doc) == "train":
            seen.add(text)
            pools["event-location"].append((f"event-location/{row['source']}", doc, text))
    geo = corpora / "geoparsing"
    for corpus, name, prefix in (
        ("TR-News", "TR-News.xml", "trnews"),
        ("GeoVirus", "GeoVirus.xml", "geovirus"),
    ):
        for key, text in _xml_docs(geo / name):
            doc = f"{prefix}-{key}"
            if _split(doc) == "train":
                pools[corpus].extend((corpus, doc, s) for s in _sentences(text))
    return pools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--batch", type=int, choices=sorted(QUOTAS), default=1)
    args = parser.parse_args()
    rng = random.Random(SEED + args.batch - 1)
    earlier = ["sentences.jsonl"] + [NAMES[b][0] for b in sorted(NAMES) if b < args.batch]
    taken = {
        json.loads(line)["text"]
        for name in earlier
        for line in (args.out / name).open(encoding="utf-8")
    }
    out_name, prefix, folder = NAMES[args.batch]
    rows: list[dict[str, str]] = []
    for corpus, pool in _pool(args.corpora).items():
        n, cue_share, cue = QUOTAS[args.batch][corpus]
        fresh = [p for p in pool if p[2] not in taken]
        cued = [p for p in fresh if cue.search(p[2])]
        picked = rng.sample(cued, min(round(n * cue_share), len(cued)))
        rest = [p for p in fresh if p not in picked]
        picked += rng.sample(rest, min(n - len(picked), len(rest)))
        for label, doc, text in picked:
            if text not in taken:
                taken.add(text)
                rows.append({"corpus": label, "doc": doc, "split": "train", "text": text})
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["id"] = f"{prefix}-{i:04d}"
    with (args.out / out_name).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(
                json.dumps(
                    {k: row[k] for k in ("id", "corpus", "doc", "split", "text")},
                    ensure_ascii=False,
                )
                + "\n"
            )
    slices = args.out / folder
    slices.mkdir(exist_ok=True)
    half = (len(rows) + 1) // 2
    for k, part in ((1, rows[:half]), (2, rows[half:])):
        with (slices / f"slice-{k}.jsonl").open("w", encoding="utf-8") as fh:
            for row in part:
                fh.write(
                    json.dumps(
                        {"id": row["id"], "text": row["text"], "corpus": row["corpus"]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    print(f"{len(rows)} sentences -> {args.out / out_name}; slices in {slices}")


if __name__ == "__main__":
    main()
