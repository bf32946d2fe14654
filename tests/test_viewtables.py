"""Memoised view tables answer every view exactly as the pandas queries do."""

import threading
from dataclasses import replace

import queries
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from test_fastpath import REGIONS, assert_same_table, examples, filters, prepared, rows

from core import aggregates
from core.view import Filters
from core.viewtables import ViewTables, everywhere


def tables_for(drawn: list[tuple]) -> tuple:
    frame = prepared(drawn)
    return frame, ViewTables(aggregates.build_columns(frame), frame, REGIONS)


@examples
@given(st.lists(rows, min_size=1, max_size=40), st.lists(filters, min_size=1, max_size=6))
def test_a_sequence_of_views_gets_the_pandas_answers(drawn, asked):
    """Earlier views' tables are reused only where they are the same question."""
    frame, tables = tables_for(drawn)
    for f in asked:
        selected = queries.select(frame, f)
        in_view = queries.scope(selected, f)
        assert tables.rows(f).tolist() == in_view.index.tolist()
        assert_frame_equal(
            tables.region_table(f, f.metric), queries.region_table(in_view, REGIONS, f.metric)
        )
        assert_frame_equal(
            tables.region_table(everywhere(f), f.metric),
            queries.region_table(selected, REGIONS, f.metric),
        )
        assert_same_table(tables.city_table(f), queries.city_table(in_view))
        assert_same_table(tables.daily_table(f), queries.daily_table(in_view))
        assert tables.summary(f) == queries.summarise(in_view)
        total, newest = tables.newest(f, 5)
        assert total == len(in_view)
        assert newest.tolist() == queries.incident_list(in_view).index[:5].tolist()


def test_metric_colouring_and_incident_do_not_make_a_new_question():
    _, tables = tables_for([("detention", 1, 10, "524901", True, [], None, 0.0)])
    f = Filters(region="RU-MOW")
    reworded = replace(f, metric="rallies", classing="jenks", incident="i0")
    assert tables.rows(reworded) is tables.rows(f)
    assert tables.city_table(reworded) is tables.city_table(f)
    assert tables.region_table(reworded, "detained") is tables.region_table(f, "detained")
    assert tables.region_table(f, "rallies") is not tables.region_table(f, "detained")
    assert tables.rows(replace(f, region="RU-SPE")) is not tables.rows(f)


def test_clear_forgets_and_answers_again():
    _, tables = tables_for([("rally", 2, None, "498817", False, [], "wave-a", 0.0)])
    before = tables.summary(Filters())
    tables.clear()
    after = tables.summary(Filters())
    assert after == before and after is not before


def test_threads_asking_together_share_one_answer():
    _, tables = tables_for([("detention", d, d, "524901", True, [], None, 0.0) for d in range(9)])
    answers: list = []
    threads = [
        threading.Thread(target=lambda: answers.append(tables.city_table(Filters())))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 8 and all(a is answers[0] for a in answers)
