"""The map: neighbouring countries, Russia's regions as a choropleth, occupied Ukraine apart.

``map_figure`` builds everything heavy (geometry) once; ``region_values`` and
``region_view`` return the small pieces that change with the filters, applied with
``dash.Patch`` so the browser receives the region geometry only with the page.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from core.i18n import DEFAULT, N_, format_count, gettext
from core.view import OCCUPIED
from layers import _geo, _style, base, inset
from layers.classes import encode

#: Trace order (later traces draw on top); the last three are the inset's (``layers.inset``).
#: The fixed labels come after the city symbols: on a phone's map Moscow's circles covered
#: "occupied, Ukraine", and a label drawn on top stays readable over them (its halo).
COUNTRIES, REGIONS, HATCH, OCCUPIED_OUTLINE, SELECTED, CITIES, LABELS = range(7)
INSET_COUNTRIES, INSET_REGIONS, INSET_CITIES = 7, 8, 9
#: Right margin kept for the legend, so it never covers the Far East.
LEGEND_PX = 150

_NOT_COUNTED = N_("occupied, Ukraine<br>(not counted)")
_SPECIAL_LABELS = {
    "detained": (N_("no reports"), N_("reports,<br>no count"), _NOT_COUNTED),
    "rallies": (N_("no reports"), "–", _NOT_COUNTED),
    "per100k": (N_("no reports"), N_("no count or<br>no population<br>figure"), _NOT_COUNTED),
}
_TITLES = {
    "detained": N_("Detentions"),
    "rallies": N_("Rallies"),
    "per100k": N_("Detentions<br>per 100,000"),
}
_CLASSING = {"quantile": N_("quantiles"), "jenks": N_("natural breaks"), "log": N_("log scale")}
_HOVER = N_(
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>"
    "Detentions: %{customdata[2]}<br>Rallies: %{customdata[3]}<br>"
    "Detentions per 100,000: %{customdata[4]}<br>"
    "<i>{period}</i>%{customdata[5]}<extra></extra>"
)


def map_figure(regions: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> go.Figure:
    """The map's static part; every region starts in the "no reports" band.

    ``regions`` needs ``region_code``, ``status`` and the ``display`` geometry (clockwise,
    Chukotka east of 180°); ``countries`` needs ``country_code`` and ``display``.
    """
    occupied = regions[regions["status"] == OCCUPIED]
    occupied_shape = shapely.union_all(occupied["display"].to_numpy())
    hatch_lon, hatch_lat = _geo.polylines(_geo.hatch(occupied_shape))
    edge_lon, edge_lat = _geo.outline(occupied_shape)
    traces = [
        base.neighbours(countries, name="neighbouring countries"),
        base.region_fills(regions, name="regions"),
        _lines(hatch_lon, hatch_lat, colour=_style.OCCUPIED_HATCH, width=0.7, name="hatch"),
        _lines(
            edge_lon,
            edge_lat,
            colour=_style.OCCUPIED_LINE,
            width=1.4,
            dash="dot",
            name="occupied outline",
        ),
        _lines([], [], colour=_style.SELECTED_LINE, width=2.2, name="selected region"),
        go.Scattergeo(lon=[], lat=[], mode="markers", name="cities"),
        _labels(regions),
        *inset.inset_traces(regions, countries),
    ]
    figure = go.Figure(traces)
    figure.update_layout(
        geo={
            **_style.RUSSIA_FRAME,
            # Stated: with the inset's geo2 beside it, plotly.js gave this map half the height.
            "domain": {"x": [0, 1], "y": [0, 1]},
            "visible": False,
            "bgcolor": _style.OCEAN,
            "uirevision": "russia",
        },
        geo2=inset.SHOWN,
        margin={"l": 0, "r": LEGEND_PX, "t": 0, "b": 0},
        paper_bgcolor="white",
        showlegend=False,
        uirevision="map",
        dragmode="pan",
        font={"family": _style.FONT, "color": _style.INK},
        hoverlabel={"bgcolor": "white", "font": {"size": 13}},
        meta={},  # each view puts its legend's entries here (``layers.figures.map_parts``)
    )
    return figure


#: A label on the map: its region (None for occupied territory), lon, lat, text, position.
Label = tuple[str | None, float, float, str, str]


def static_labels(regions: gpd.GeoDataFrame, lang: str = DEFAULT) -> list[Label]:
    """Text labels: "occupied, Ukraine", and the two federal cities, too small to find alone.

    The occupied label runs east from that territory's south-west corner, below it (to its
    west it left a narrow map's canvas); city labels sit at a point inside each city's own
    polygon, to its right. The texts are in ``lang``.
    """
    codes = regions["region_code"].to_numpy()
    geoms = regions["display"].to_numpy()
    occupied = shapely.bounds(geoms[(regions["status"] == OCCUPIED).to_numpy()])
    south_west = (None, round(occupied[:, 0].min(), 3), round(occupied[:, 1].min(), 3))
    labels: list[Label] = [(*south_west, gettext(lang, _style.OCCUPIED_LABEL), "bottom right")]
    for code, name in _style.CITY_LABELS.items():
        found = geoms[codes == code]
        if len(found) and found[0] is not None:
            anchor = shapely.point_on_surface(found[0])
            labels.append(
                (code, round(anchor.x, 3), round(anchor.y, 3), gettext(lang, name), "middle right")
            )
    return labels


def _labels(regions: gpd.GeoDataFrame) -> go.Scattergeo:
    """The ``static_labels`` as a text trace (a view may blank a city's, see ``figures``)."""
    labels = static_labels(regions)
    return go.Scattergeo(
        lon=[label[1] for label in labels],
        lat=[label[2] for label in labels],
        mode="text",
        text=[label[3] for label in labels],
        textfont={
            "color": [_style.OCCUPIED_LINE if code is None else _style.INK for code, *_ in labels],
            "size": 12,
            "shadow": _style.HALO,
        },
        textposition=[label[4] for label in labels],
        hoverinfo="skip",
        name="labels",
    )


def _lines(
    lon: list, lat: list, *, colour: str, width: float, name: str, dash: str = "solid"
) -> go.Scattergeo:
    return go.Scattergeo(
        lon=lon,
        lat=lat,
        mode="lines",
        hoverinfo="skip",
        name=name,
        line={"color": colour, "width": width, "dash": dash},
    )


def region_values(
    table: pd.DataFrame,
    *,
    metric: str,
    classing: str,
    counted: np.ndarray,
    period: str,
    rallies: bool = True,
    lang: str = DEFAULT,
) -> dict:
    """Colour, legend and hover text of the region trace for one selection.

    ``table`` is ``core.aggregates.region_table`` (same row order as ``map_figure``'s
    regions); ``counted`` is False for regions kept apart from Russia's totals; ``rallies``
    is False when the view filters rallies out (the hover then says so, never "0").
    """
    style = _style.fmt_rate if metric == "per100k" else _style.fmt_count
    encoding = encode(
        table["value"].to_numpy(dtype=float),
        table["state"].to_numpy(),
        counted,
        method=classing,
        special_labels=_translated(_SPECIAL_LABELS[metric], lang),
        fmt=functools.partial(style, lang=lang),
    )
    title = f"{gettext(lang, _TITLES[metric])}<br><sub>{gettext(lang, _CLASSING[classing])}</sub>"
    return {
        "z": encoding.z.tolist(),
        "zmin": 0,
        "zmax": encoding.zmax,
        "colorscale": encoding.colorscale,
        "showscale": True,
        "colorbar": {
            "title": {"text": title},
            "tickvals": encoding.tickvals,
            "ticktext": encoding.ticktext,
            "len": 0.85,
            "thickness": 16,
            "x": 1.0,
            "xanchor": "left",
            "xpad": 8,
            "outlinewidth": 1,
            "outlinecolor": "#bbbbbb",
            "tickfont": {"size": 12},
        },
        "customdata": hover_rows(table, counted, rallies=rallies, lang=lang),
        "hovertemplate": gettext(lang, _HOVER).replace("{period}", period),
    }


def _translated(labels: tuple[str, str, str], lang: str) -> tuple[str, str, str]:
    first, second, third = (gettext(lang, t) for t in labels)
    return first, second, third


def hover_rows(
    table: pd.DataFrame, counted: np.ndarray, *, rallies: bool = True, lang: str = DEFAULT
) -> list[list[str]]:
    """Per region: names, detentions, rallies, rate and a note.

    Worded so that a region without reports, an unknown count, a real zero and rallies
    filtered out of the view all read differently.
    """
    _ = functools.partial(gettext, lang)
    rows = []
    for row, is_counted in zip(table.itertuples(index=False), counted, strict=True):
        reported = row.incidents > 0
        if not reported:
            detained = rally_text = _("no reports in this selection")
        else:
            rally_text = _style.fmt_count(row.rallies, lang)
            detained = (
                _("no count reported")
                if pd.isna(row.detained)
                else _style.fmt_count(row.detained, lang)
            )
            if row.unknown and not pd.isna(row.detained):
                detained += " (+{})".format(
                    format_count(
                        row.unknown,
                        lang,
                        "{n} report without a count",
                        "{n} reports without a count",
                    )
                )
        if pd.isna(row.population):
            rate = _("no population figure")
        else:
            rate = "–" if pd.isna(row.per100k) else _style.fmt_rate(row.per100k, lang)
        note = ""
        if row.status == OCCUPIED:
            note = (
                "<br>"
                + _("Occupied Ukrainian territory: ")
                + (
                    _("counted in the totals, as asked")
                    if is_counted
                    else _("not in Russia's totals")
                )
            )
        if not rallies:
            rally_text = _(_style.RALLIES_FILTERED)
        names = (row.name_ru, row.name_en) if lang == "ru" else (row.name_en, row.name_ru)
        rows.append([*names, detained, rally_text, rate, note])
    return rows


def region_view(region: gpd.GeoSeries | None) -> tuple[dict, dict]:
    """Map frame (``layout.geo`` keys) and outline trace for a region, or for all of Russia.

    ``region`` is one row of the regions table (or None). A new ``geo.uirevision`` per
    region makes plotly apply the new frame, while zooming by hand survives filter changes.
    """
    if region is None:
        return {**_style.RUSSIA_FRAME, "uirevision": "russia"}, {"lon": [], "lat": []}
    lon, lat = _geo.outline(region["display"])
    frame = _style.region_frame(region["display"].bounds)
    return {**frame, "uirevision": region["region_code"]}, {"lon": lon, "lat": lat}
