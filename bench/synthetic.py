"""Seeded SYNTHETIC incidents for benchmarks: a store of N incidents, or an input CSV of N reports.

Nothing here is real data. Every incident carries campaign ``synthetic-<seed>``, reporter
``synthetic`` and source URLs under ``https://synthetic.invalid/``, and the output is always a
folder or file named by the caller, never the real store. Places are real (GeoNames cities of
the federal subjects, drawn in proportion to population), so the map and the ingest's geocoder
and region lookup do real work. Dates span several years with a few seeded bursts; counts are
heavy-tailed (many small, a few large, some unknown); tags follow fixed per-kind rates.

Everything is drawn as whole numpy/pyarrow columns: a million incidents take seconds, not minutes.

Usage::

    python -m bench.synthetic store --n 100000 --out /tmp/pm-100k
    python -m bench.synthetic csv --n 100000 --geocode --out /tmp/reports-100k.csv
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import click
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geodata import schema, store
from geodata.boundaries import assign_regions
from geodata.geocoding import Gazetteer, Place, read_geonames
from geodata.settings import PROJECT_ROOT, Settings

URL_ROOT = "https://synthetic.invalid/"
REPORTER = "synthetic"
START, END = dt.date(2018, 1, 1), dt.date(2025, 12, 31)
#: Smallest place drawn; smaller ones would almost never be picked anyway.
MIN_POPULATION = 1_000
#: Share of incidents that fall on burst days (a protest wave), and how many waves.
BURST_SHARE, BURSTS = 0.35, 12
#: Per-kind probability of each tag (detention, rally); tags absent here are never drawn.
TAG_RATES = {
    "court_sentences": (0.06, 0.01),
    "criminal_case": (0.03, 0.005),
    "conflicting_reports": (0.02, 0.02),
    "custody_conditions": (0.02, 0.0),
    "denied_lawyer": (0.03, 0.0),
    "force_used": (0.08, 0.02),
    "injury": (0.02, 0.005),
    "journalists_detained": (0.02, 0.0),
    "minors_detained": (0.03, 0.0),
    "preventive_detention": (0.02, 0.0),
    "road_blocked": (0.005, 0.02),
    "shots_fired": (0.001, 0.001),
    "summons_served": (0.01, 0.0),
    "women_led": (0.01, 0.04),
}
#: Probability that an incident has 1, 2 or 3 source reports.
SOURCES_PER_INCIDENT = (0.75, 0.2, 0.05)
CSV_COLUMNS = (
    "kind date time city region lat lon precision detained participants description tags "
    "campaign source_url reporter as_of source_note"
).split()


def campaign(seed: int) -> str:
    """The campaign label that marks every synthetic row of one seed."""
    return f"synthetic-{seed}"


# ------------------------------------------------------------------ places (I/O at the edge)


def city_pool(
    regions: gpd.GeoDataFrame, gazetteer: Gazetteer, *, federal_only: bool = True
) -> pd.DataFrame:
    """GeoNames places the synthetic data may use, with their population as the draw weight.

    A place is kept only when the gazetteer resolves its English name within its region to
    itself (so an ingest of the CSV geocodes it back) and its point lies inside that region's
    boundary (so every incident sits in the region it names). ``alone`` says whether the name
    resolves without a region hint; ``ru_ok`` whether the Russian name resolves (with the hint).
    """
    statuses = ("federal_subject",) if federal_only else schema.REGION_STATUSES
    allowed = set(regions.loc[regions["status"].isin(statuses), "region_code"])
    rows = []
    for record in read_geonames():
        if int(record["population"] or 0) < MIN_POPULATION:
            continue
        name, gid = record["name"], int(record["geonameid"])
        place = gazetteer.resolve(name, f"{record['countrycode']}.{record['admin1code']}")
        if not isinstance(place, Place) or place.geonameid != gid:
            continue
        if place.region_code not in allowed:
            continue
        alone = gazetteer.resolve(name)
        ru = gazetteer.resolve(place.name_ru, place.region_code) if place.name_ru else None
        rows.append(
            {
                "geonameid": gid,
                "name_en": place.name_en,
                "name_ru": place.name_ru,
                "lat": place.lat,
                "lon": place.lon,
                "region_code": place.region_code,
                "population": place.population,
                "alone": isinstance(alone, Place) and alone.geonameid == gid,
                "ru_ok": isinstance(ru, Place) and ru.geonameid == gid,
            }
        )
    pool = pd.DataFrame(rows)
    points = gpd.GeoSeries(gpd.points_from_xy(pool["lon"], pool["lat"]), crs=schema.CRS)
    inside = assign_regions(points, regions).to_numpy() == pool["region_code"].to_numpy()
    return pool[inside].sort_values("geonameid", ignore_index=True)


# ------------------------------------------------------------------ drawing (pure)


@dataclass(frozen=True)
class Draw:
    """One synthetic incident per position of every array (numpy columns)."""

    city: np.ndarray  # index into the pool
    kind: np.ndarray  # 0 detention, 1 rally
    day: np.ndarray  # datetime64[D]
    minute: np.ndarray  # minute of the day, -1 = unknown
    detained: np.ndarray  # float, NaN = unknown
    participants: np.ndarray
    tags: np.ndarray  # bool (n, len(TAG_RATES))
    lon: np.ndarray
    lat: np.ndarray
    exact: np.ndarray  # True: a street-level point; False: the city's own point
    n_sources: np.ndarray


def draw(
    n: int, seed: int, pool: pd.DataFrame, *, start: dt.date = START, end: dt.date = END
) -> Draw:
    """Draw ``n`` incidents; the same seed and pool always give the same draw."""
    rng = np.random.default_rng(seed)
    weights = pool["population"].to_numpy(dtype=float)
    city = rng.choice(len(pool), size=n, p=weights / weights.sum())
    kind = (rng.random(n) < 0.3).astype(np.int8)
    span = (end - start).days + 1
    offsets = rng.integers(0, span, n)
    burst = rng.random(n) < BURST_SHARE
    wave_days = rng.integers(0, span - 5, BURSTS)
    offsets[burst] = wave_days[rng.integers(0, BURSTS, burst.sum())] + rng.integers(
        0, 5, burst.sum()
    )
    day = np.datetime64(start, "D") + offsets
    minute = np.where(rng.random(n) < 0.35, rng.integers(10 * 60, 23 * 60, n), -1)
    detained = _heavy_tail(rng, n, scale=2.0, alpha=1.3, cap=2_000)
    detained[kind == 1] = np.floor(detained[kind == 1] / 3)
    detained[rng.random(n) < np.where(kind == 1, 0.6, 0.1)] = np.nan
    participants = _heavy_tail(rng, n, scale=30.0, alpha=1.1, cap=100_000)
    participants[rng.random(n) < np.where(kind == 1, 0.3, 0.85)] = np.nan
    rates = np.array(list(TAG_RATES.values()))[:, kind].T
    tags = rng.random((n, len(TAG_RATES))) < rates
    base_lat = pool["lat"].to_numpy()[city]
    base_lon = pool["lon"].to_numpy()[city]
    exact = rng.random(n) < 0.2
    jitter = rng.normal(0.0, 0.02, (2, n)) * exact
    lat = base_lat + jitter[0]
    lon = base_lon + jitter[1] / np.cos(np.radians(base_lat))
    n_sources = rng.choice(len(SOURCES_PER_INCIDENT), size=n, p=SOURCES_PER_INCIDENT) + 1
    return Draw(city, kind, day, minute, detained, participants, tags, lon, lat, exact, n_sources)


def _heavy_tail(
    rng: np.random.Generator, n: int, *, scale: float, alpha: float, cap: int
) -> np.ndarray:
    """Pareto-tailed whole numbers >= 1: many ones and twos, a few in the thousands."""
    return np.minimum(np.floor(rng.pareto(alpha, n) * scale) + 1, cap)


def keep_inside(d: Draw, pool: pd.DataFrame, regions: gpd.GeoDataFrame) -> Draw:
    """Put jittered points that crossed out of their city's region back on the city's point."""
    points = gpd.GeoSeries(gpd.points_from_xy(d.lon, d.lat), crs=schema.CRS)
    found = assign_regions(points, regions).to_numpy()
    moved = found != pool["region_code"].to_numpy()[d.city]
    lon, lat = d.lon.copy(), d.lat.copy()
    lon[moved] = pool["lon"].to_numpy()[d.city[moved]]
    lat[moved] = pool["lat"].to_numpy()[d.city[moved]]
    exact = d.exact & ~moved
    return Draw(**{**d.__dict__, "lon": lon, "lat": lat, "exact": exact})


def _strings(values: np.ndarray, table: list[str] | pd.Series) -> pa.Array:
    """Look small string tables up by index (fast: no per-row Python); NaN/None stay null."""
    return pa.array(table, pa.string(), from_pandas=True).take(pa.array(values))


def _optional_ints(values: np.ndarray) -> pa.Array:
    return pa.array(np.nan_to_num(values).astype(np.int64), mask=np.isnan(values))


def _clock(minute: np.ndarray) -> pa.Array:
    table = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]
    return pa.array(table).take(pa.array(np.where(minute < 0, 0, minute), mask=minute < 0))


def _tag_lists(tags: np.ndarray) -> pa.ListArray:
    rows, cols = np.nonzero(tags)  # row-major, and TAG_RATES is sorted: lists come out sorted
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(tags)))])
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), _strings(cols, list(TAG_RATES)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    return _join(prefix, pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0"))


def _sources(d: Draw, seed: int, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, pa.StructArray]:
    """Source structs of every incident: report k of incident i is a day later and no larger."""
    owner = np.repeat(np.arange(len(d.city)), d.n_sources)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(d.n_sources) - d.n_sources, d.n_sources)
    shrink = np.where(
        rank == 0, 1.0, 0.6 + 0.4 * np.random.default_rng(seed + 1).random(len(owner))
    )
    detained = np.floor(d.detained[owner] * shrink)
    participants = np.floor(d.participants[owner] * shrink)
    as_of = np.datetime_as_string(d.day[owner] + (d.n_sources[owner] - 1 - rank), unit="D")
    url = _join(
        URL_ROOT + f"{seed}/", _numbered("", ids[owner], 8), "/", pa.array(rank).cast(pa.string())
    )
    fields = [
        url,
        pa.nulls(len(owner), pa.string()).fill_null(REPORTER),
        pa.array(as_of.astype(object), pa.string()),
        _optional_ints(detained),
        _optional_ints(participants),
        pa.nulls(len(owner), pa.string()),
    ]
    return owner, rank, pa.StructArray.from_arrays(fields, fields=list(schema.SOURCE_TYPE))


def incidents_frame(d: Draw, seed: int, pool: pd.DataFrame) -> gpd.GeoDataFrame:
    """The draw as a store frame (Arrow-backed columns) ready for ``store.write_incidents``."""
    n = len(d.city)
    ids = np.arange(n)
    _, _, structs = _sources(d, seed, ids)
    offsets = np.concatenate([[0], np.cumsum(d.n_sources)]).astype(np.int32)
    columns = {
        "incident_id": _numbered(f"syn{seed}-", ids, 8),
        "kind": _strings(d.kind, list(schema.KINDS)),
        "date": pa.array(d.day, pa.date32()),
        "time": _clock(d.minute),
        "city_en": _strings(d.city, pool["name_en"]),
        "city_ru": _strings(d.city, pool["name_ru"]),
        "geonameid": pa.array(pool["geonameid"].to_numpy()[d.city], pa.int64()),
        "place": pa.nulls(n, pa.string()),
        "region_code": _strings(d.city, pool["region_code"]),
        "detained": _optional_ints(d.detained),
        "participants": _optional_ints(d.participants),
        "precision": _strings(np.where(d.exact, 1, 0), ["city", "street"]),
        "description": pa.nulls(n, pa.string()),
        "tags": _tag_lists(d.tags),
        "sources": pa.ListArray.from_arrays(pa.array(offsets), structs),
        "campaign": pa.nulls(n, pa.string()).fill_null(campaign(seed)),
        "location_conflict": pa.nulls(n, pa.string()),
    }
    frame = pd.DataFrame({k: pd.arrays.ArrowExtensionArray(v) for k, v in columns.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(d.lon, d.lat), crs=schema.CRS)


def reports_table(
    d: Draw, seed: int, pool: pd.DataFrame, *, geocode: bool, n_rows: int
) -> pa.Table:
    """Input rows (text, one per source report) as a user's CSV would hold them.

    With ``geocode`` the rows name a city (Russian spelling for a third, where it resolves) and
    a region code only where the name alone is not enough; otherwise they give lat/lon.
    """
    ids = np.arange(len(d.city))
    owner, _, structs = _sources(d, seed, ids)
    owner, structs = owner[:n_rows], structs.slice(0, n_rows)
    city = d.city[owner]
    rng = np.random.default_rng(seed + 2)
    ru = pool["ru_ok"].to_numpy()[city] & (rng.random(len(owner)) < 1 / 3)
    hint = ~pool["alone"].to_numpy()[city] | ru
    empty = pa.nulls(len(owner), pa.string())
    text = {
        "kind": _strings(d.kind[owner], list(schema.KINDS)),
        "date": pa.array(np.datetime_as_string(d.day[owner], unit="D").astype(object), pa.string()),
        "time": _clock(d.minute[owner]),
        "city": empty,
        "region": empty,
        "lat": empty,
        "lon": empty,
        "precision": empty,
        "detained": structs.field("detained").cast(pa.string()),
        "participants": structs.field("participants").cast(pa.string()),
        "description": empty,
        "tags": pc.binary_join(_tag_lists(d.tags).take(pa.array(owner)), ";"),
        "campaign": empty.fill_null(campaign(seed)),
        "source_url": structs.field("url"),
        "reporter": structs.field("reporter"),
        "as_of": structs.field("as_of"),
        "source_note": empty,
    }
    if geocode:
        names = np.where(
            ru,
            pool["name_ru"].to_numpy(dtype=object)[city],
            pool["name_en"].to_numpy(dtype=object)[city],
        )
        text["city"] = pa.array(names, pa.string())
        codes = pool["region_code"].to_numpy(dtype=object)[city]
        text["region"] = pa.array(np.where(hint, codes, None), pa.string())
    else:
        text["lat"] = pa.array(np.round(d.lat[owner], 5)).cast(pa.string())
        text["lon"] = pa.array(np.round(d.lon[owner], 5)).cast(pa.string())
        text["precision"] = _strings(np.where(d.exact[owner], 1, 0), ["city", "point"])
    return pa.table(text)


# ------------------------------------------------------------------ outputs (I/O)


def _refuse_real_store(out: Path) -> None:
    real = (PROJECT_ROOT / "data").resolve()
    target = out.resolve()
    if target == real or real in target.parents:
        raise click.ClickException(f"{out} is inside the real store {real}; choose another folder")


@functools.cache
def _load(data: Path, federal_only: bool) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Regions and the city pool of a store folder, built once per process (~5 s)."""
    regions = store.read_regions(Settings(data=data).regions_path)
    return regions, city_pool(regions, Gazetteer.load(), federal_only=federal_only)


def write_store(n: int, out: Path, *, seed: int, data: Path, federal_only: bool = True) -> str:
    """Write a store folder: synthetic incidents, the real regions; return the data version."""
    _refuse_real_store(out)
    regions, pool = _load(data, federal_only)
    d = keep_inside(draw(n, seed, pool), pool, regions)
    target = Settings(data=out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("regions_path", "countries_path"):
        shutil.copyfile(getattr(Settings(data=data), name), getattr(target, name))
    provenance = {"synthetic": True, "seed": seed, "generator": "bench.synthetic"}
    return store.write_incidents(
        incidents_frame(d, seed, pool), target.incidents_path, provenance=provenance
    )


def write_reports_csv(
    n_rows: int, out: Path, *, seed: int, data: Path, geocode: bool, federal_only: bool = True
) -> None:
    """Write an input CSV of ``n_rows`` synthetic source reports (about 1.3 per incident)."""
    _refuse_real_store(out)
    regions, pool = _load(data, federal_only)
    n_incidents = int(n_rows / np.dot(SOURCES_PER_INCIDENT, [1, 2, 3])) + 10
    d = keep_inside(draw(n_incidents, seed, pool), pool, regions)
    while d.n_sources.sum() < n_rows:  # pragma: no cover - the margin above makes this rare
        n_incidents = int(n_incidents * 1.05)
        d = keep_inside(draw(n_incidents, seed, pool), pool, regions)
    out.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(reports_table(d, seed, pool, geocode=geocode, n_rows=n_rows), out)


# ------------------------------------------------------------------ command line


@click.group()
def main() -> None:
    """Generate SYNTHETIC protestmap data for benchmarks (never the real store)."""


_seed = click.option("--seed", default=0, show_default=True, type=int)
_data = click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: Settings.from_env().data,
    help="A built store whose regions.parquet (and countries) to use [PROTESTMAP_DATA].",
)
_occupied = click.option(
    "--with-occupied", is_flag=True, help="Also draw places in occupied Ukrainian territory."
)


@main.command("store")
@click.option("--n", "n", required=True, type=int, help="Number of incidents.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Store folder.")
@_seed
@_data
@_occupied
def store_command(n: int, out: Path, seed: int, data: Path, with_occupied: bool) -> None:
    """Write a store folder of N synthetic incidents."""
    version = write_store(n, out, seed=seed, data=data, federal_only=not with_occupied)
    print(f"wrote {n:,} synthetic incidents to {out} (data version {version})")


@main.command("csv")
@click.option("--n", "n", required=True, type=int, help="Number of report rows.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--geocode/--coords", default=True, help="City names, or lat/lon.")
@_seed
@_data
@_occupied
def csv_command(
    n: int, out: Path, geocode: bool, seed: int, data: Path, with_occupied: bool
) -> None:
    """Write an input CSV of N synthetic report rows."""
    write_reports_csv(n, out, seed=seed, data=data, geocode=geocode, federal_only=not with_occupied)
    print(f"wrote {n:,} synthetic report rows ({'city names' if geocode else 'lat/lon'}) to {out}")


if __name__ == "__main__":
    main()
