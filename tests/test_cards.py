"""The incident cards of the phone layout: the table's facts, and a link to each incident."""

from __future__ import annotations

import pytest

from core.view import Filters
from layers.cards import CARD_ROWS, detained_text, incident_cards


def _row(**kw):
    return {
        "incident_id": "a1",
        "date": "2022-09-21",
        "place": "Moscow, Arbat",
        "kind": "detention",
        "detained": 1386,
        "selected": False,
        **kw,
    }


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(), "1,386"),
        (_row(detained=0), "0"),
        (_row(detained=None), "unknown"),
        (_row(kind="rally", detained=None), "–"),
    ],
)
def test_detained_text_matches_the_table(row, expected):
    assert detained_text(row) == expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(), "1\u00a0386"),  # Russian groups thousands with a no-break space
        (_row(detained=None), "неизвестно"),
        (_row(kind="rally", detained=None), "–"),
    ],
)
def test_detained_text_in_russian(row, expected):
    assert detained_text(row, "ru") == expected


def test_each_card_links_to_its_incident_in_the_same_view():
    f = Filters(region="RU-MOW")
    cards = incident_cards([_row(), _row(incident_id="b2", selected=True)], f, "/")
    links = [card.children.href for card in cards.children]
    assert links == ["/?region=RU-MOW&incident=a1", "/?region=RU-MOW&incident=b2"]
    assert [card.className for card in cards.children] == [
        "incident-card",
        "incident-card selected",
    ]
    facts = cards.children[0].children.children.children
    assert [(f.children[0].children, f.children[1].children) for f in facts] == [
        ("Date", "2022-09-21"),
        ("Place", "Moscow, Arbat"),
        ("Kind", "Detention"),
        ("Detained", "1,386"),
    ]


def test_cards_in_russian_name_their_facts_in_russian():
    cards = incident_cards([_row()], Filters(lang="ru"), "/", "ru")
    assert cards.children[0].children.href == "/?incident=a1&lang=ru"
    facts = cards.children[0].children.children.children
    assert [(f.children[0].children, f.children[1].children) for f in facts] == [
        ("Дата", "2022-09-21"),
        ("Место", "Moscow, Arbat"),
        ("Тип", "Задержание"),
        ("Задержано", "1\u00a0386"),
    ]


def test_only_the_newest_rows_get_cards_and_a_last_line_says_so():
    rows = [_row(incident_id=f"i{n}") for n in range(CARD_ROWS + 5)]
    cards = incident_cards(rows, Filters(), "/").children
    assert [card.children.href for card in cards[:-1]] == [
        f"/?incident=i{n}" for n in range(CARD_ROWS)
    ]
    assert cards[-1].className == "incident-card-more"
    assert cards[-1].children.startswith(f"The newest {CARD_ROWS} are shown")
    ru = incident_cards(rows, Filters(lang="ru"), "/", "ru").children[-1].children
    assert ru.startswith(f"Показаны {CARD_ROWS} самых новых")
    assert len(incident_cards(rows[:CARD_ROWS], Filters(), "/").children) == CARD_ROWS
