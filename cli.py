"""The ``protestmap`` command: build the store, ingest files, describe the store, serve the app."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from core.i18n import DEFAULT
from geodata import boundaries, breakdown, naturalearth, store
from geodata.errors import ProtestmapError, first_line
from geodata.gazetteer_cache import load_gazetteer
from geodata.ingest import IngestOptions, IngestResult, ingest_file
from geodata.location import DEFAULT_TOLERANCE_KM, LocationRules, conflict_counts
from geodata.merging import MERGE_MODES, MergeSummary
from geodata.objectstore import writable_copy
from geodata.presets import PRESETS
from geodata.readers import parse_map_options, read_mapping_file
from geodata.rejects import run_rejects_path, write_rejects
from geodata.schema import INPUT_FIELDS, KINDS
from geodata.settings import PROJECT_ROOT, Settings

SEED_DIR = PROJECT_ROOT / "seed"
console = Console(highlight=False)
#: Conflicting rows shown after an ingest; all of them are in the store's location_conflict.
CONFLICT_EXAMPLES = 10


class _Failure(click.ClickException):
    """A failure the user can act on: one line on stderr and exit status 2, like a usage error."""

    exit_code = 2


def _fail_cleanly(fn: Callable[..., None]) -> Callable[..., None]:
    """Turn every failure into one line and exit status 2 instead of a traceback.

    Expected failures carry their own message; anything else is named by its type, with
    PROTESTMAP_DEBUG=1 to see the traceback.
    """

    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            fn(*args, **kwargs)
        except ProtestmapError as exc:
            raise _Failure(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except PermissionError as exc:  # the data or cache folder of another user
            raise _Failure(
                f"{first_line(exc)}: run protestmap as a user that may read the data "
                "folder and write the cache folder (and the data folder, to change it)"
            ) from exc
        except Exception as exc:
            if os.environ.get("PROTESTMAP_DEBUG"):
                raise
            raise _Failure(
                f"unexpected {type(exc).__name__}: {str(exc)[:300]} "
                "(set PROTESTMAP_DEBUG=1 for the traceback, and please report it)"
            ) from exc

    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


@click.group()
@click.version_option(package_name="protestmap")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Protestmap: detentions and rallies at protests in Russia, every figure sourced."""
    ctx.obj = Settings.from_env()


@contextmanager
def _row_progress(enabled: bool) -> Iterator[Callable[[int], Callable[[int], None]] | None]:
    """A progress bar over input rows, for large files."""
    if not enabled:
        yield None
        return
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:

        def factory(total: int) -> Callable[[int], None]:
            task = bar.add_task("checking and geocoding rows", total=total)
            return lambda n: bar.advance(task, n)

        yield factory


def _print_result(result: IngestResult, source: str, *, dry_run: bool) -> None:
    """The ingest summary: rows, rejects by reason, the store, then what merging did."""
    table = Table(
        title=f"{source}{' (dry run: nothing written)' if dry_run else ''}", show_header=False
    )
    table.add_row("rows read", f"{result.rows:,}")
    table.add_row("accepted", f"{result.accepted:,}")
    table.add_row("rejected", f"{len(result.rejected):,}")
    for reason, count in result.reason_counts.items():
        table.add_row(f"  {reason}", f"{count:,}")
    _add_conflict_rows(table, result.conflicts)
    table.add_row("incidents", f"{result.incidents_before:,} -> {result.incidents_after:,}")
    table.add_row("data version", str(result.data_version or "-"))
    if result.encoding:
        table.add_row("encoding / delimiter", f"{result.encoding} / {result.delimiter!r}")
    console.print(table)
    if len(result.conflicts):
        first = result.conflicts.head(CONFLICT_EXAMPLES)
        console.print("location conflicts, first rows:")
        for row, detail in zip(first["row"], first["detail"], strict=True):
            console.print(f"  row {row}: {detail}", markup=False)
    for line in [*result.notices, *_merge_lines(result.merging)]:
        console.print(line, markup=False)


def _add_conflict_rows(table: Table, conflicts: pd.DataFrame) -> None:
    """Rows with a location conflict, then one line per kind (a row may have both kinds)."""
    table.add_row("rows with a location conflict", f"{conflicts['row'].nunique():,}")
    for kind, count in conflicts["kind"].value_counts().sort_index().items():
        table.add_row(f"  {kind}", f"{count:,}")


def _merge_lines(merging: MergeSummary) -> list[str]:
    lines = [
        f"merging: {merging.rows:,} rows in, {merging.incidents:,} incidents out, "
        f"{merging.merged_rows:,} rows merged into another row's incident; "
        f"{merging.set_aside:,} detentions set aside by the headline rule"
    ]
    return lines + [f"  e.g. {example}" for example in merging.examples]


def _ensure_regions(
    settings: Settings, boundaries_path: Path | None, countries_path: Path | None, force: bool
) -> None:
    if (
        settings.regions_path.exists()
        and settings.countries_path.exists()
        and not (force or boundaries_path or countries_path)
    ):
        console.print(f"regions: kept {settings.regions_path} (use --force to rebuild)")
        return
    with console.status("building regions from Natural Earth admin-1"):
        regions, countries = boundaries.build_boundary_tables(
            boundaries_path, countries_path, settings.cache
        )
    source = str(boundaries_path or f"npm {naturalearth.NPM_PACKAGE}@{naturalearth.NPM_VERSION}")
    store.write_geo_table(regions, settings.regions_path, meta={"boundaries": source})
    store.write_geo_table(countries, settings.countries_path, meta={"boundaries": source})
    console.print(f"regions: wrote {len(regions)} units to {settings.regions_path}")


@cli.command()
@click.option(
    "--boundaries",
    "boundaries_path",
    type=click.Path(exists=True, path_type=Path),
    help="Natural Earth admin-1 GeoJSON/shapefile instead of the npm package.",
)
@click.option(
    "--countries",
    "countries_path",
    type=click.Path(exists=True, path_type=Path),
    help="Natural Earth admin-0 file for the grey base layer.",
)
@click.option("--force", is_flag=True, help="Rebuild the regions even if they exist.")
@click.pass_obj
@_fail_cleanly
def build(
    settings: Settings, boundaries_path: Path | None, countries_path: Path | None, force: bool
) -> None:
    """Build the regions table and merge the embedded default data into the store.

    Idempotent: running it again adds nothing, and incidents ingested from other files stay.
    """
    with writable_copy(settings) as local:
        _ensure_regions(
            local,
            boundaries_path or settings.boundaries,
            countries_path or settings.countries,
            force,
        )
        regions = store.read_regions(local.regions_path)
        gazetteer = load_gazetteer(settings.cache)
        for seed in sorted(SEED_DIR.glob("*.csv")):
            result = ingest_file(
                seed,
                incidents_path=local.incidents_path,
                regions=regions,
                gazetteer=gazetteer,
                options=IngestOptions(merge="same-place-day"),
            )
            _print_result(result, f"seed/{seed.name}", dry_run=False)
            broken = result.rejected[result.rejected["reason"] != "duplicate"]
            if len(broken):
                first = broken.iloc[0]
                raise click.ClickException(
                    f"seed/{seed.name}: {len(broken)} row(s) rejected, e.g. row {first['row']}: "
                    f"{first['reason']}: {first['detail']}"
                )
        _write_serving_file(local, regions)
    _print_published(settings)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help=f"Read FIELD from COLUMN (repeatable). Fields: {', '.join(INPUT_FIELDS)}.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON or TOML file of field = column pairs.",
)
@click.option(
    "--drop",
    multiple=True,
    metavar="COLUMN",
    help="Ignore a column (required for columns that look like personal data).",
)
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    help="A standard export's columns and values (acled: an ACLED export, each event one "
    "rally incident); --map and --set override them.",
)
@click.option(
    "--encoding", help="Text encoding of a CSV (default: by byte-order mark, UTF-8, else cp1251)."
)
@click.option("--delimiter", help="CSV delimiter (default: detected; ',' ';' or '\\t').")
@click.option("--date-format", help="strptime format of dates, e.g. %d.%m.%Y.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Give FIELD the VALUE wherever the file gives none (repeatable), e.g. --set "
    "reporter=OVD-Info.",
)
@click.option("--kind", type=click.Choice(KINDS), help="Kind for rows whose kind is empty.")
@click.option("--campaign", help="Campaign label (a slug) for rows that name none.")
@click.option(
    "--merge",
    type=click.Choice(list(MERGE_MODES)),
    default="none",
    show_default=True,
    help="none: each row is its own event (rows sharing --map event_id=COLUMN still merge); "
    "same-place-day: rows with the same kind, date, place and campaign are reports of one event.",
)
@click.option(
    "--location-tolerance",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TOLERANCE_KM,
    show_default=True,
    metavar="KM",
    help="How far a row's coordinates may lie from the place it names before it is flagged.",
)
@click.option(
    "--strict-location",
    is_flag=True,
    help="Reject rows whose coordinates conflict with their named place (default: accept them "
    "with a location_conflict note).",
)
@click.option("--dry-run", is_flag=True, help="Check and report, but write nothing.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write rejected rows (default: <data>/rejects/<file>.<time>.rejects.csv, "
    "one per run); with --dry-run, write them there too.",
)
@click.pass_obj
@_fail_cleanly
def ingest(
    settings: Settings,
    file: Path,
    maps: tuple[str, ...],
    mapping: Path | None,
    drop: tuple[str, ...],
    preset: str | None,
    encoding: str | None,
    delimiter: str | None,
    date_format: str | None,
    sets: tuple[str, ...],
    kind: str | None,
    campaign: str | None,
    merge: str,
    location_tolerance: float,
    strict_location: bool,
    dry_run: bool,
    rejects: Path | None,
) -> None:
    """Add the incidents reported in FILE (CSV, GeoJSON or GeoParquet) to the store.

    Each row is its own event unless rows share an event key (--map event_id=COLUMN) or
    --merge same-place-day is given; rows of one event become one incident that keeps every
    source. Every row is accepted or rejected with a reason, and what merging did is printed.
    """
    fields = {**(read_mapping_file(mapping) if mapping else {}), **parse_map_options(maps)}
    shortcuts = {"kind": kind, "campaign": campaign}
    constants = {
        **{k: v for k, v in shortcuts.items() if v is not None},
        **parse_map_options(sets, "--set"),
    }
    options = IngestOptions(
        mapping=fields,
        drop=drop,
        constants=constants,
        encoding=encoding,
        delimiter=delimiter,
        date_format=date_format,
        merge=merge,
        preset=preset,
        today=dt.date.today(),
        location=LocationRules(tolerance_km=location_tolerance, strict=strict_location),
    )
    large = file.stat().st_size > 5_000_000
    with (
        writable_copy(settings, publish=not dry_run) as local,
        _row_progress(large and console.is_terminal) as factory,
    ):
        result = ingest_file(
            file,
            incidents_path=local.incidents_path,
            regions=store.read_regions(local.regions_path),
            gazetteer=load_gazetteer(settings.cache),
            options=options,
            dry_run=dry_run,
            progress_factory=factory,
        )
        if result.written:
            _write_serving_file(local, store.read_regions(local.regions_path))
    _print_result(result, str(file), dry_run=dry_run)
    if result.written:
        _print_published(settings)
    if result.written and result.data_version:
        _announce(settings, result.data_version)
    if result.rejected.empty:
        return
    if dry_run:
        console.print(
            result.rejected[["row", "reason", "detail"]].head(20).to_string(index=False),
            markup=False,
        )
    if rejects or not dry_run:
        target = write_rejects(result.rejected, rejects or run_rejects_path(settings.data, file))
        console.print(f"rejected rows with reasons: {target}", markup=False)


def _write_serving_file(local: Settings, regions: pd.DataFrame) -> None:
    """The prepared incidents servers memory-map (``core.servingfile``), once per version."""
    from core.servingfile import write_serving_file

    with console.status("writing the serving file"):
        write_serving_file(local.data, regions)


def _print_published(settings: Settings) -> None:
    """Say where an object store's new version went (a local store was written in place)."""
    if settings.remote:
        console.print(f"published to {settings.remote} (its current.json names it)", markup=False)


def _announce(settings: Settings, version: str) -> None:
    """Tell a fleet's servers (``PROTESTMAP_REDIS``) to switch to ``version`` now.

    Without Redis, or when it is down, each server still notices the new store by itself
    at its next request (``core.versions.DataSource``).
    """
    if not settings.redis:
        return
    from publish.shared import RedisLink, VersionChannel

    heard = VersionChannel(RedisLink(settings.redis)).announce(version)
    console.print(f"data version {version} announced to {heard} server process(es)")


@cli.command()
@click.pass_obj
@_fail_cleanly
def info(settings: Settings) -> None:
    """What the store holds: totals, sources and licences, then per campaign and per reporter.

    Per group: incidents, detention incidents, rallies, detained and the date range.
    """
    with writable_copy(settings, publish=False) as local:
        incidents = store.read_incidents(local.incidents_path)
        meta = store.read_metadata(local.incidents_path)
        regions = store.read_regions(local.regions_path)
    table = Table(title=f"protestmap store: {settings.remote or settings.data}", show_header=False)
    table.add_row("data version", meta["data_version"])
    for kind, count in incidents["kind"].value_counts().sort_index().items():
        table.add_row(f"{kind} incidents", f"{count:,}")
    detained = incidents.loc[incidents["kind"] == "detention", "detained"]
    table.add_row(
        "detained (sum of headline figures)",
        f"{int(detained.sum()):,} ({int(detained.isna().sum())} incidents without a figure)",
    )
    if len(incidents):
        table.add_row(
            "dates", f"{incidents['date'].min():%Y-%m-%d} to {incidents['date'].max():%Y-%m-%d}"
        )
    table.add_row("cities", f"{incidents['geonameid'].nunique():,}")
    counts = conflict_counts(incidents["location_conflict"])
    table.add_row(
        "location conflicts",
        f"{int(incidents['location_conflict'].notna().sum()):,} of {len(incidents):,} incidents"
        + "".join(f"; {kind} {n:,}" for kind, n in counts.items()),
    )
    covered = regions[regions["region_code"].isin(incidents["region_code"])]
    by_status = covered["status"].value_counts()
    table.add_row("regions", ", ".join(f"{n} {s}" for s, n in by_status.items()) or "0")
    sources = pd.DataFrame([s for row in incidents["sources"] for s in row])
    table.add_row(
        "source reports",
        f"{len(sources):,} ({sources['url'].nunique():,} URLs)" if len(sources) else "0",
    )
    if len(sources):
        top = sources["reporter"].fillna("unknown").value_counts().head(5)
        table.add_row("main reporters", "; ".join(f"{r} ({n})" for r, n in top.items()))
    table.add_row(
        "licences",
        "figures: as reported by the sources listed per incident; "
        "boundaries: Natural Earth (public domain); places: GeoNames (CC BY 4.0); "
        "federal districts: hflabs/region (CC BY-SA 4.0)",
    )
    console.print(table)
    for title, frame in (
        ("per campaign", breakdown.by_campaign(incidents)),
        ("per reporter", breakdown.by_reporter(incidents)),
    ):
        console.print(_breakdown_table(title, frame))


def _breakdown_table(title: str, frame: pd.DataFrame) -> Table:
    table = Table(title=title)
    table.add_column(title.split()[-1])
    for column in breakdown.COLUMNS:
        table.add_column(column, justify="right")
    for name, row in frame.iterrows():
        cells = [
            f"{row[c]:%Y-%m-%d}" if "date" in c else f"{int(row[c]):,}" for c in breakdown.COLUMNS
        ]
        table.add_row(str(name), *cells)
    return table


@cli.command()
@click.option("--query", default="", help="The view's query string, e.g. '?from=2022-09-21'.")
@click.option(
    "--format", "fmt", type=click.Choice(["png", "svg", "pdf"]), default="png", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--width", type=int, help="Pixels (default 1200).")
@click.option("--height", type=int, help="Pixels (default 760, 1000 with --timeline).")
@click.option("--scale", type=click.Choice(["1", "2"]), default="1", show_default=True)
@click.option("--timeline", is_flag=True, help="Add the timeline below the map.")
@click.pass_obj
@_fail_cleanly
def export(
    settings: Settings,
    query: str,
    fmt: str,
    out: Path,
    width: int | None,
    height: int | None,
    scale: str,
    timeline: bool,
) -> None:
    """Render a view as a publication snapshot (title, filters in words, legend, credit)."""
    from urllib.parse import parse_qs

    from core.versions import DataSource
    from publish import exports
    from publish.params import parse_request

    args = parse_qs(query.lstrip("?"), keep_blank_values=True)
    options = {
        "scale": scale,
        "timeline": "1" if timeline else "0",
        "width": width,
        "height": height,
    }
    args |= {k: [str(v)] for k, v in options.items() if v is not None}
    source = DataSource.from_settings(settings)
    data = source.get(args["v"][-1] if args.get("v") else None)
    req = parse_request(args, data.catalogue)
    lang = req.filters.lang or DEFAULT  # the query's language (the image's words)
    text = exports.caption(
        data, req.filters, version=data.version, accessed=dt.date.today(), lang=lang
    )
    figure = exports.publication_figure(
        data, req.filters, text, timeline=req.timeline, size=(req.width, req.height), lang=lang
    )
    image = exports.render_image(figure, fmt, width=req.width, height=req.height, scale=req.scale)
    out.write_bytes(image)
    console.print(f"wrote {out} ({len(image):,} bytes, data version {data.version})")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="processes; 1 serves with waitress, more with gunicorn's pre-fork workers",
)
@click.pass_obj
@_fail_cleanly
def serve(settings: Settings, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the dashboard (a production WSGI server: waitress, or gunicorn with --workers)."""
    import servers
    from app import create_app
    from publish.guards import MAX_BODY

    app = create_app(settings)
    console.print(
        f"protestmap on http://{host}:{port}/  "
        f"(data: {settings.remote or settings.data}, workers: {workers})"
    )
    servers.serve(
        app.server, host=host, port=port, threads=threads, workers=workers, max_body=MAX_BODY
    )
