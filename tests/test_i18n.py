"""Two languages: the catalogues are complete and current, Babel's conventions are followed,
and the language travels in the URL (or comes from Accept-Language) through every route."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from babel import numbers
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from dash import html
from hypothesis import given, settings
from hypothesis import strategies as st
from test_about import words

from app import create_app, load_dataset
from core import compare, i18n
from core.series import gazetteer_cities
from core.view import Filters, parse_query
from geodata import store
from geodata.geocoding import read_geonames
from geodata.settings import PROJECT_ROOT, Settings
from layers.cities import SIZE_KEY, size_legend
from layers.compare import compare_view
from layers.dateticks import date_ticks
from layers.figures import map_view
from layers.language import request_language
from pages.compare import steps_view, table_view
from publish.compare_export import publication_chart

RU_PO = PROJECT_ROOT / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
RU_MO = RU_PO.with_suffix(".mo")
#: Placeholders a translation must keep: ``{name}`` (str.format) and plotly's ``%{...}``.
PLACEHOLDER = re.compile(r"%?\{[^{}]*\}")


def _forms(message: object) -> list[str]:
    return list(message) if isinstance(message, (tuple, list)) else [str(message)]


def _key(message: object) -> tuple[str, ...]:
    return tuple(_forms(message))


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The messages the code marks today, extracted by `make pot` (the documented command)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "pot", f"POT={pot}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return pot


def test_every_message_shown_has_a_russian_translation(fresh_template):
    with fresh_template.open("rb") as f:
        template = read_po(f)
    with RU_PO.open("rb") as f:
        russian = read_po(f)
    assert len(template) > 200  # the whole interface is marked, not a handful of strings
    problems = []
    for message in template:
        if not message.id:
            continue
        done = russian.get(message.id)
        if done is None or done.fuzzy or not all(_forms(done.string)):
            problems.append(f"untranslated: {message.id!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(_forms(message.id)[-1]))
        for form in _forms(done.string):
            if sorted(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {form!r}")
    assert problems == [], "run `make messages` and translate:\n" + "\n".join(problems)


def test_the_compiled_catalogue_is_the_committed_one():
    with RU_PO.open("rb") as f:
        source = {_key(m.id): _key(m.string) for m in read_po(f) if m.id and not m.fuzzy}
    with RU_MO.open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert compiled == source, "locale/ru/.../messages.mo is stale: run `make setup`"


def test_russian_plurals_follow_the_catalogue():
    def detentions(n: int) -> str:
        return i18n.format_count(n, "ru", "{n} detention", "{n} detentions")

    assert [detentions(n) for n in (1, 2, 5, 11, 21, 22, 25, 1386)] == [
        "1 задержание",
        "2 задержания",
        "5 задержаний",
        "11 задержаний",
        "21 задержание",
        "22 задержания",
        "25 задержаний",
        "1\u00a0386 задержаний",
    ]
    english = [i18n.format_count(n, "en", "{n} rally", "{n} rallies") for n in (1, 2, 1386)]
    assert english == ["1 rally", "2 rallies", "1,386 rallies"]


@pytest.mark.parametrize(
    ("lang", "date", "number"),
    # CLDR: a no-break space groups thousands, a narrow one keeps "г." with its year.
    [("ru", "21 сентября 2022\u202fг.", "1\u00a0386"), ("en", "21 September 2022", "1,386")],
)
def test_dates_and_numbers_follow_the_language(lang, date, number):
    assert i18n.format_date(dt.date(2022, 9, 21), lang) == date
    assert i18n.format_number(1386, lang) == number
    # plotly writes the timeline's numbers with the same signs: decimal, then grouping.
    assert i18n.plotly_separators(lang) == {"ru": ",\u00a0", "en": ".,"}[lang]


@settings(max_examples=300, deadline=None)
@given(
    lang=st.sampled_from(i18n.LANGUAGES),
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        # Babel writes -0.0 as "-0"; no count or rate is ever negative zero.
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: v != 0),
        st.just(0.0),
    ),
)
def test_numbers_are_written_as_babel_writes_them(lang, value):
    # format_number's shortcut for whole numbers must give Babel's own text.
    assert i18n.format_number(value, lang) == numbers.format_decimal(
        value, locale=i18n.LOCALES[lang]
    )


def test_describe_speaks_russian():
    f = Filters(region="RU-MOW", start=dt.date(2022, 9, 21), end=dt.date(2022, 9, 24))
    assert f.describe({"RU-MOW": "Москва"}, "ru") == (
        "Задержания: Москва, с 21 сентября 2022\u202fг. по 24 сентября 2022\u202fг."
    )
    assert Filters(occupied=True).describe(lang="ru") == (
        "Задержания: Россия и оккупированная территория Украины, за всё время"
    )


def test_lang_is_part_of_the_url_grammar():
    f, notices = parse_query("?region=RU-MOW&lang=ru")
    assert (f.lang, notices) == ("ru", ())
    assert f.to_query() == "?region=RU-MOW&lang=ru"
    assert Filters.from_query(f.to_query()) == f
    bad, notices = parse_query("?lang=de")
    assert bad.lang is None
    assert notices == ("'lang=de' was ignored: expected one of en, ru.",)
    assert notices[0].refusal == "'lang=de': expected one of en, ru."


def test_notices_speak_the_language_of_the_link():
    f, notices = parse_query("?lang=ru&metric=bogus&from=2022-09-25&to=2022-09-21")
    assert f == Filters(lang="ru")
    assert notices == (
        "«metric=bogus» пропущено: ожидается одно из значений detained, rallies, per100k.",
        "Период заканчивается раньше, чем начинается; показано всё время.",
    )
    assert notices[0].refusal == (
        "«metric=bogus»: ожидается одно из значений detained, rallies, per100k."
    )
    # The page's language may come from the browser: the caller says which.
    _, said = parse_query("?kind=riot", "ru")
    assert said == ("«kind=riot» пропущено: ожидается любое из значений detention, rally.",)


def test_switch_links_keep_the_rest_of_the_query():
    assert i18n.switch_links("?region=RU-MOW&lang=en&kind=rally") == [
        ("en", "English", "?region=RU-MOW&kind=rally&lang=en"),
        ("ru", "Русский", "?region=RU-MOW&kind=rally&lang=ru"),
    ]
    assert i18n.query_language("?places=RU-MOW&lang=ru") == "ru"
    assert i18n.query_language("?lang=xx") is None


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return create_app(Settings(data=built_store, cache=cache)).server.test_client()


@pytest.mark.parametrize(
    ("url", "accept", "lang"),
    [
        ("/", None, "en"),
        ("/?lang=ru", None, "ru"),
        ("/", "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("/?lang=en", "ru-RU,ru;q=0.9", "en"),
        ("/", "de-DE,de;q=0.9", "en"),
        ("/?lang=xx", "ru", "ru"),
        ("/compare?lang=ru", None, "ru"),
        ("/about", "ru", "ru"),
    ],
)
def test_html_lang_follows_the_url_then_the_browser(client, url, accept, lang):
    page = client.get(url, headers={"Accept-Language": accept} if accept else {})
    assert page.status_code == 200
    assert f'<html lang="{lang}" data-dash-words=' in page.text
    # The words a11y.js gives Dash's own English control names on a Russian page.
    assert ("&quot;Clear Dates&quot;: &quot;Очистить даты&quot;" in page.text) == (lang == "ru")
    negotiated = "lang=en" not in url and "lang=ru" not in url
    assert ("Accept-Language" in page.headers.get("Vary", "")) == negotiated


def test_the_embed_speaks_the_language_and_is_cached_per_language(client):
    russian = client.get("/embed?region=RU-MOW", headers={"Accept-Language": "ru"})
    english = client.get("/embed?region=RU-MOW", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in russian.text and '<html lang="en">' in english.text
    assert "Задержания на акциях протеста: Москва" in russian.text
    assert "Detentions at protests in Moscow" in english.text
    assert russian.headers["ETag"] != english.headers["ETag"]
    assert "Accept-Language" in russian.headers["Vary"]
    asked = client.get("/embed?region=RU-MOW&lang=ru", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in asked.text
    # Its links keep the language: the full view, and the switch to the other one.
    assert 'href="/?region=RU-MOW&amp;lang=ru"' in asked.text
    assert 'hreflang="en">English</a>' in asked.text


def test_a_strict_route_refuses_an_unknown_language(client):
    refused = client.get("/download/regions.csv?lang=de")
    assert refused.status_code == 400
    assert "lang=de" in refused.text and "en, ru" in refused.text
    russian = client.get("/download/regions.csv?lang=xx", headers={"Accept-Language": "ru"})
    assert russian.status_code == 400
    assert russian.text == "Неверный запрос: «lang=xx»: ожидается одно из значений en, ru.\n"
    region = client.get("/export/map.png?region=RU-XXX&lang=ru")
    assert region.status_code == 400 and "Региона «RU-XXX» нет." in region.text


def test_downloads_say_where_they_come_from_in_russian(client):
    csv = client.get("/download/regions.csv?region=RU-MOW&lang=ru").text
    assert csv.startswith("# Выгрузка protestmap\n# Выборка: Задержания: Москва, за всё время")
    # The columns keep their names: code that reads the file does not depend on the language.
    header = next(line for line in csv.splitlines() if not line.startswith("#"))
    assert header.startswith("region_code,name_en,name_ru")
    # The GeoJSON's README, the incidents' too.
    geojson = client.get("/download/incidents.geojson?region=RU-MOW&lang=ru").get_json()
    readme = geojson["protestmap"]["readme"]
    assert readme[0] == "Выгрузка protestmap" and readme[-1].startswith("Числа")
    assert readme[4].startswith("Данные: ")


def test_a_russian_svg_export_has_the_russian_title(client):
    svg = client.get("/export/map.svg?region=RU-MOW&lang=ru&width=900&height=700")
    assert svg.status_code == 200
    words = " ".join(ET.fromstring(svg.data).itertext())
    assert "Задержания на акциях протеста: Москва" in words
    assert "Версия данных" in words and "оккупированная территория Украины" in words
    again = client.get("/export/map.svg?region=RU-MOW&width=900&height=700")
    assert "Detentions at protests in Moscow" in " ".join(ET.fromstring(again.data).itertext())
    # With its timeline: kaleido takes no plotly.js locale, so the months are Babel's.
    with_days = client.get("/export/map.svg?lang=ru&timeline=1&from=2022-09-21&to=2022-09-30")
    days = [t for t in ET.fromstring(with_days.data).itertext() if "сент." in t]
    assert days and not any(
        re.search(r"\bSep", t) for t in ET.fromstring(with_days.data).itertext()
    )


@pytest.mark.parametrize(
    ("first", "last", "ticks"),
    [
        (
            dt.date(2022, 9, 21),
            dt.date(2022, 9, 23),
            ["21 сент. 2022\u202fг.", "22 сент.", "23 сент."],
        ),
        (
            dt.date(2022, 2, 24),
            dt.date(2022, 12, 31),
            [f"{m} 2022\u202fг." for m in ("март", "май", "июль", "сент.", "нояб.")],
        ),
    ],
)
def test_exported_date_ticks_are_written_by_babel(first, last, ticks):
    axis = date_ticks(first, last, "ru")
    assert axis["ticktext"] == ticks and len(axis["tickvals"]) == len(ticks)


def test_outside_a_request_only_the_url_counts():
    assert request_language("ru") == "ru"
    assert request_language(None) == "en"
    assert request_language("xx") == "en"


def test_the_circle_size_legend_speaks_russian_on_the_map_and_in_the_embed(built_store, client):
    stored = store.read_incidents(built_store / "incidents.parquet")
    period = stored["date"].between(pd.Timestamp("2022-09-21"), pd.Timestamp("2022-09-30"))
    rows = stored[period & stored["region_code"].str.startswith("RU-")]
    top = int(rows[rows["kind"] == "detention"].groupby("geonameid")["detained"].sum().max())
    dataset = load_dataset(Settings(data=built_store))
    f = Filters.from_query("?from=2022-09-21&to=2022-09-30")
    key = [a.text for a in map_view(dataset, f, "ru").layout.annotations if a.name == SIZE_KEY]
    assert key[0] == i18n.format_number(top, "ru")
    assert key[-1] == "Круги: города,<br>площадь ∝ задержаниям"
    # Its numbers as Russian writes them: groups apart with a no-break space.
    many = pd.DataFrame({"detained": pd.array([1289, 40], dtype="Int64")})
    _, notes = size_legend(many, "detained", "ru")
    assert [n["text"] for n in notes[:-1]] == ["1\u00a0289", "100"]
    embed = client.get("/embed?from=2022-09-21&to=2022-09-30&metric=rallies&lang=ru").text
    assert "<p>Круги: города, площадь ∝ акциям</p>" in embed
    english = client.get("/embed?from=2022-09-21&to=2022-09-30&metric=rallies&lang=en").text
    assert "<p>Circles: cities, area ∝ rallies</p>" in english and "∝ акциям" not in english


@pytest.fixture(scope="module")
def comparing(built_store):
    dataset = load_dataset(Settings(data=built_store))
    return compare.compare_data(dataset, gazetteer_cities(read_geonames()))


def _latin_words(text: str) -> list[str]:
    """Words of ``text`` in Latin letters (a Russian page shows none but names and sources)."""
    return re.findall(r"\b[A-Za-z]{3,}\b", text)


def test_compare_speaks_russian_in_its_chart_table_and_caption(comparing):
    state, notices = comparing.parse("?places=RU-MOW,RU-DA,532096&step=week", "ru")
    assert notices == []
    figure = compare_view(comparing, state, "ru")
    names = [t.name for t in figure.data if t.showlegend is not False]
    assert names[:2] == ["Москва (регион)", "Дагестан (регион)"]
    assert figure.layout.yaxis.title.text.startswith("задержания (по")
    assert "нижние оценки" in figure.layout.annotations[-1].text
    assert figure.layout.separators == ",\u00a0"
    caption = compare.caption(comparing, state, "ru")
    assert caption.startswith("С 21 сентября 2022\u202fг. по 30 сентября 2022\u202fг. Итог")
    assert "Итог по субъектам Российской Федерации" in caption
    table = words(table_view(compare.summary(comparing, state), state, "ru"))
    assert "место на 100 тыс." in table and "Москва · Moscow" in table
    steps = words(html.Div(steps_view(compare.series_table(comparing, state, "ru"), state, "ru")))
    assert steps.startswith("По неделям") and "21–25 сент. 2022\u202fг." in steps
    # Nothing English is left but the places' English names and the sources' names and links.
    shown = re.sub(r"https?://\S+", "", " ".join([caption, table, steps]))
    assert set(_latin_words(shown)) <= {
        "Moscow",
        "Republic",
        "Dagestan",
        "Makhachkala",
        "GeoNames",
        "OVD",
    }


def test_compare_notices_speak_russian_and_name_the_parameter(comparing):
    _, notices = comparing.parse("?places=RU-XXX&step=year&a=soon", "ru")
    assert notices == [
        "«step=year»: ожидается одно из значений day, week, month",
        "неизвестные места пропущены: RU-XXX",
        "«a=soon»: ожидается день или промежуток ДЕНЬ..ДЕНЬ",
    ]


def test_the_compare_export_credit_and_dates_are_russian(comparing, client):
    state, _ = comparing.parse("?places=RU-MOW&start=2022-09-21&end=2022-09-30", "ru")
    credit = comparing.credits["ru"]
    assert credit.startswith("Данные: ") and "границы: Natural Earth" in credit
    figure = publication_chart(
        comparing, state, credit=credit, version="abc", accessed=dt.date(2026, 1, 2), lang="ru"
    )
    notes = [a.text for a in figure.layout.annotations]
    # The date ends in "г.": the sentence needs no second full stop.
    assert f"{credit}. Версия данных abc, дата обращения 2 января 2026\u202fг." in notes
    assert any(n.startswith("С 21 сентября 2022\u202fг. по 30 сентября 2022") for n in notes)
    assert figure.layout.title.text.startswith("Задержания: Москва")
    # kaleido drops plotly.js's locale: the month names on the axis are Babel's.
    assert figure.layout.xaxis.ticktext[0] == "21 сент. 2022\u202fг."
    svg = client.get("/export/compare.svg?places=RU-MOW&lang=ru&start=2022-09-21&end=2022-09-30")
    assert svg.status_code == 200
    shown = " ".join(ET.fromstring(svg.data).itertext())
    assert "Версия данных" in shown and "сент." in shown and "Sep" not in shown


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("/export/map.png?width=9&lang=ru", "«width=9»: ожидается целое число пикселей от 200"),
        ("/export/map.png?scale=3&lang=ru", "«scale» должен быть 1 или 2"),
        ("/export/map.png?kind=rally&kind=rally&lang=ru", "«kind» указан несколько раз"),
        ("/download/regions.csv?bogus=1&lang=ru", "«bogus=1» — неизвестный параметр"),
        ("/export/map.gif?lang=ru", "неизвестный формат «gif»"),
        ("/export/compare.png?step=year&lang=ru", "«step=year»: ожидается одно из значений"),
        ("/export/map.png?v=0123456789ab&lang=ru", "версия данных 0123456789ab на этом сервере"),
        ("/export/compare.svg?v=xyz&lang=ru", "«xyz» — не версия данных"),
    ],
)
def test_refusals_speak_the_language_of_the_link(client, url, said):
    refused = client.get(url)
    assert refused.status_code == 400
    assert refused.text.startswith("Неверный запрос: ") and said in refused.text


def test_russian_figures_carry_plotlys_russian_texts():
    config = i18n.plotly_locale("ru")
    assert config["locale"] == "ru"
    texts = config["locales"]["ru"]  # type: ignore[index]
    assert "Сент." in texts["format"]["shortMonths"] and texts["dictionary"]["Autoscale"]
    assert i18n.plotly_locale("en") == {}
    # Russian weeks start on Monday (Dash's pickers count from Sunday = 0).
    assert i18n.first_weekday("ru") == 1


def test_the_compare_series_csv_speaks_russian_but_keeps_its_columns(comparing):
    state, _ = comparing.parse("?places=RU-MOW&step=week", "ru")
    table = compare.series_table(comparing, state, "ru")
    header = compare.csv_header(comparing, "задержания по неделям", "https://h/compare?", "ru")
    text = compare.csv_text(table, header)
    lines = text.splitlines()
    assert lines[0] == "# Сравнение protestmap: задержания по неделям"
    assert lines[1] == f"# версия данных: {comparing.version}"
    assert lines[3].startswith("# источник: Данные: ")
    rows = pd.read_csv(io.StringIO(text), comment="#")
    # Code reads the columns and the status codes: they stay as documented.
    assert list(rows.columns[:3]) == ["place_id", "place", "step"]
    assert rows["place"].iloc[0] == "Москва" and rows["label"].iloc[0].endswith("2022\u202fг.")
    assert set(rows["status"]) <= {"reported", "no report", "reported, figure unknown"}
