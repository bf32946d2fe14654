"""The embedded default dataset: contract, provenance and the documented default totals.

The seed is hand-compiled from the facts folder, so these tests check the properties a reviewer
would otherwise check by eye: every facts row is kept verbatim, every figure can be traced to the
text of its own source, nothing is geocoded by hand, and the totals quoted in docs/data-notes.md
are what the default-figure rule gives on the committed CSV.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geodata.schema import INPUT_FIELDS, KINDS, PRECISIONS, TAGS
from geodata.settings import PROJECT_ROOT

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seed" / "mobilization_2022.csv"
NOTES = ROOT / "docs" / "data-notes.md"
# The facts the seed was compiled from: ../shared/facts beside the checkout (CI has it too).
FACTS = PROJECT_ROOT.parent / "shared" / "facts"

COLUMNS = [
    "kind",
    "date",
    "time",
    "city",
    "region",
    "place",
    "lat",
    "lon",
    "precision",
    "detained",
    "participants",
    "description",
    "tags",
    "campaign",
    "source_url",
    "reporter",
    "as_of",
    "source_note",
]
OCCUPIED = ("crimea", "sevastopol", "donetsk", "luhansk", "zaporizh", "kherson")
# Clock minutes that docs/schema.md assigns to the time-of-day words used instead of a time.
DAY_WORDS = (
    ("late evening", 23 * 60),
    ("evening", 20 * 60),
    ("afternoon", 15 * 60),
    ("daytime", 13 * 60),
    ("morning", 9 * 60),
)


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    return pd.read_csv(SEED, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def facts_dir() -> Path:
    assert (FACTS / "mobilization_2022_detentions.csv").is_file(), f"facts not found at {FACTS}"
    return FACTS


def test_header_is_the_input_contract(seed):
    assert list(seed.columns) == COLUMNS
    # Every field but the event key: the seed's reports are grouped by place and day.
    assert set(COLUMNS) == set(INPUT_FIELDS) - {"event_id"}


def test_every_row_has_an_http_source_url(seed):
    assert seed["source_url"].str.match(r"^https?://\S+$").all()


def test_dates_are_real_days_of_september_2022(seed):
    days = seed["date"].map(date.fromisoformat)
    assert days.map(lambda d: (d.year, d.month) == (2022, 9)).all()
    assert seed["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_kind_precision_and_campaign_are_fixed_values(seed):
    assert seed["kind"].isin(KINDS).all()
    assert set(seed["kind"]) == set(KINDS)
    assert (seed["precision"] == "city").all()
    assert set(seed["precision"]) <= set(PRECISIONS)
    assert (seed["campaign"] == "mobilization-2022").all()


def test_no_coordinates_are_invented(seed):
    assert (seed["lat"] == "").all()
    assert (seed["lon"] == "").all()


def test_counts_are_empty_or_non_negative_integers(seed):
    for column in ("detained", "participants"):
        values = seed[column]
        assert values.str.fullmatch(r"(\d+)?").all(), column
    assert (seed.loc[seed["detained"] != "", "detained"].astype(int) >= 0).all()


def test_rally_rows_never_carry_detentions(seed):
    rallies = seed[seed["kind"] == "rally"]
    assert (rallies["detained"] == "").all()
    assert (seed.loc[seed["kind"] == "detention", "participants"] == "").all()


def test_tags_come_from_the_schema(seed):
    tags = {t for cell in seed["tags"] for t in cell.split(";") if t}
    assert tags <= set(TAGS)
    assert not seed["tags"].str.contains(r"\s|;;|^;|;$", regex=True).any()


def test_time_is_a_clock_time_or_empty(seed):
    assert seed["time"].str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d|").all()


def test_each_city_has_one_region_hint_and_none_is_occupied(seed):
    assert (seed.groupby("city")["region"].nunique() == 1).all()
    assert (seed["region"] != "").all()
    places = (seed["city"] + " " + seed["region"]).str.lower()
    assert not places.str.contains("|".join(OCCUPIED)).any()


def test_every_city_day_with_detentions_has_a_rally(seed):
    counted = seed[(seed["kind"] == "detention") & (seed["detained"] != "")]
    rallies = set(
        zip(*(seed.loc[seed["kind"] == "rally", c] for c in ("date", "city")), strict=True)
    )
    missing = {(d, c) for d, c in zip(counted["date"], counted["city"], strict=True)} - rallies
    assert not missing


def test_every_facts_detention_row_is_kept_verbatim(seed, facts_dir):
    facts = pd.read_csv(
        facts_dir / "mobilization_2022_detentions.csv", dtype=str, keep_default_na=False
    )
    facts = facts.rename(columns={"city_en": "city", "note": "source_note"})
    keys = ["date", "city", "detained", "source_url", "reporter", "as_of", "source_note"]
    detentions = seed[seed["kind"] == "detention"]
    wanted = facts.groupby(keys).size()
    found = detentions.groupby(keys).size().reindex(wanted.index, fill_value=0)
    assert (found >= wanted).all(), wanted[found < wanted]
    assert len(facts) == 122


def _source_texts(facts_dir: Path) -> list[str]:
    """Lines of the detentions table and bullets of the incidents file: one claim each."""
    texts = (facts_dir / "mobilization_2022_detentions.csv").read_text("utf-8").splitlines()
    markdown = (facts_dir / "mobilization_2022_incidents.md").read_text("utf-8")
    texts += re.split(r"\n(?=- |#)", markdown)
    return texts


def test_every_figure_is_printed_in_its_own_source(seed, facts_dir):
    texts = _source_texts(facts_dir)
    for column in ("detained", "participants"):
        for row in seed[seed[column] != ""].itertuples():
            number = re.compile(rf"(?<!\d){getattr(row, column)}(?!\d)")
            claims = [t for t in texts if row.source_url in t]
            assert any(number.search(t) for t in claims), (column, row.city, row.source_url)


def _as_of_key(as_of: str) -> tuple[int, int, int, int, int]:
    """Sort key: unknown lowest, then date, then time of day (date alone below any time)."""
    found = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", as_of)
    if not found:
        return (0, 0, 0, 0, 0)
    rest = as_of[found.end() :]
    clock = re.search(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)", rest)
    if clock:
        minutes = int(clock[1]) * 60 + int(clock[2])
    else:
        minutes = next((m for word, m in DAY_WORDS if word in rest), -1)
    year, month, day = int(found[1]), int(found[2]), int(found[3] or 0)
    return (1, year, month, day, minutes)


def default_detentions(seed: pd.DataFrame) -> pd.DataFrame:
    """Headline detention figure per (date, city) by the documented rule, one row each."""
    frame = seed[(seed["kind"] == "detention") & (seed["detained"] != "")].copy()
    frame["figure"] = frame["detained"].astype(int)
    frame["ovd"] = frame["reporter"].str.strip().str.startswith("OVD-Info")
    keys = pd.DataFrame(frame["as_of"].map(_as_of_key).tolist(), index=frame.index)
    frame[["dated", "y", "m", "d", "minutes"]] = keys
    frame["smaller"] = -frame["figure"]
    order = ["ovd", "dated", "y", "m", "d", "minutes", "smaller"]
    ranked = frame.sort_values(order, ascending=False, kind="stable")
    return ranked.groupby(["date", "city"], sort=True).head(1)


def computed_total(best: pd.DataFrame, day: str) -> int:
    return int(best.loc[best["date"] == day, "figure"].sum())


@pytest.mark.parametrize(
    ("as_of", "earlier"),
    [
        ("2022-09-22 09:51 MSK", "2022-09-22 (morning)"),
        ("2022-09-22 (morning)", "2022-09-22"),
        ("2022-09-21 (late evening)", "2022-09-21 (evening)"),
        ("2022-09-21 (evening)", "2022-09-21 (afternoon)"),
        ("2022-09-26 (afternoon)", "2022-09-26 (daytime)"),
        ("2022-09-22", "2022-09-21 (late evening)"),
        ("2022-10 (retrospective)", "2022-09-30 23:59"),
        ("2022-09-21", ""),
    ],
)
def test_as_of_order(as_of, earlier):
    assert _as_of_key(as_of) > _as_of_key(earlier)


def _notes_tables() -> tuple[dict[tuple[str, str], int], dict[str, tuple[int, int]], int]:
    text = NOTES.read_text("utf-8")
    per_city = {
        (m[1], m[2]): int(m[3].replace(",", ""))
        for m in re.finditer(r"^\| (2022-\d\d-\d\d) \| ([^|\d][^|]*?) \| ([\d,]+) \|", text, re.M)
    }
    per_day = {
        m[1]: (int(m[2].replace(",", "")), int(m[3]))
        for m in re.finditer(r"^\| (2022-\d\d-\d\d) \| ([\d,]+) \| (\d+) \|", text, re.M)
    }
    headline = re.search(r"21 Sep 2022 default total: \*\*([\d,]+)\*\*", text)
    assert headline, "headline total line missing from docs/data-notes.md"
    return per_city, per_day, int(headline[1].replace(",", ""))


def test_default_totals_match_data_notes(seed):
    best = default_detentions(seed)
    per_city, per_day, headline = _notes_tables()
    computed = {(r.date, r.city): r.figure for r in best.itertuples()}
    assert per_city == computed
    days = best.groupby("date")["figure"].agg(["sum", "size"])
    assert per_day == {d: (int(r["sum"]), int(r["size"])) for d, r in days.iterrows()}
    assert headline == computed_total(best, "2022-09-21")


def test_default_rule_prefers_ovd_info_latest_over_larger_figures(seed):
    best = default_detentions(seed).set_index(["date", "city"])
    assert best.loc[("2022-09-21", "Moscow"), "figure"] == 542
    assert best.loc[("2022-09-21", "Saint Petersburg"), "figure"] == 479
    assert best.loc[("2022-09-21", "Irkutsk"), "reporter"] == "OVD-Info (via Meduza)"
    assert best.loc[("2022-09-21", "Grozny"), "figure"] == 15
