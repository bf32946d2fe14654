"""The naive baseline: a Dash choropleth written the way tutorials write one.

On every update it reads the whole incidents GeoParquet into pandas, filters it, counts per
region, reads the full-resolution region boundaries, turns them into GeoJSON and returns a fresh
``px.choropleth`` figure with that GeoJSON inside. It exists only to be measured against the
real app on the same data and the same inputs (date range, metric); see ``bench/README.md``.

Two concessions keep it correct rather than fast: exterior rings are made clockwise (plotly
geo floods the globe otherwise) and occupied Ukrainian regions are left out, as the real app
does by default. Offline, plotly's world topojson comes from the project's stub files.

    python -m bench.naive_app --data /tmp/pm-1m          # serves http://127.0.0.1:8051
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

import click
import dash
import geopandas as gpd
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import shapely
from dash import Input, Output, dcc, html

from geodata.settings import PROJECT_ROOT, Settings

#: The same metric names as the real app's ``core.view.METRICS``.
METRICS = ("detained", "rallies", "per100k")
ASSETS = PROJECT_ROOT / "assets"


def update_map(
    start_date: str | None, end_date: str | None, metric: str, *, data: Path
) -> go.Figure:
    """The whole callback: read everything, filter, count, draw full-resolution regions."""
    settings = Settings(data=data)
    df = pd.read_parquet(settings.incidents_path)
    df["date"] = pd.to_datetime(df["date"])
    if start_date:
        df = df[df["date"] >= pd.Timestamp(start_date)]
    if end_date:
        df = df[df["date"] <= pd.Timestamp(end_date)]
    regions = gpd.read_parquet(settings.regions_path)
    regions = regions[regions["status"] == "federal_subject"]
    regions["geometry"] = shapely.orient_polygons(regions.geometry.to_numpy(), exterior_cw=True)
    detentions = df[df["kind"] == "detention"]
    counts = pd.DataFrame(
        {
            "detained": detentions.groupby("region_code")["detained"].sum(),
            "rallies": df[df["kind"] == "rally"].groupby("region_code").size(),
        }
    )
    table = regions[["region_code", "name_en", "population"]].merge(
        counts, left_on="region_code", right_index=True, how="left"
    )
    table["per100k"] = table["detained"] / table["population"].astype(float) * 100_000
    geojson = regions[["region_code", "geometry"]].__geo_interface__
    fig = px.choropleth(
        table,
        geojson=geojson,
        locations="region_code",
        featureidkey="properties.region_code",
        color=metric,
        hover_name="name_en",
        color_continuous_scale="Reds",
    )
    fig.update_geos(visible=False, projection_type="conic conformal", projection_rotation_lon=100)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return fig


def response_bytes(figure: go.Figure) -> int:
    """Bytes of the figure as Dash sends it (plotly JSON encoding, before compression)."""
    return len(pio.to_json(figure, validate=False).encode())


def measure(
    start_date: str | None,
    end_date: str | None,
    metric: str,
    *,
    data: Path,
    repeat: int = 5,
) -> dict[str, Any]:
    """Server time (p50, p95 in ms, serialisation included) and response bytes of one update."""
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = response_bytes(update_map(start_date, end_date, metric, data=data))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "bytes": size,
        "repeat": repeat,
    }


def create_app(data: Path) -> dash.Dash:
    """The tutorial-style app: a date range, a metric and one graph."""
    app = dash.Dash(__name__, assets_folder=str(ASSETS), assets_ignore=r".*\.(js|css)$")
    app.layout = html.Div(
        [
            dcc.DatePickerRange(id="dates", start_date="2022-02-24", end_date="2022-03-31"),
            dcc.Dropdown(id="metric", options=list(METRICS), value="detained", clearable=False),
            dcc.Graph(
                id="map",
                style={"height": "80vh"},
                config={"topojsonURL": app.get_asset_url("topojson/")},
            ),
        ]
    )

    @app.callback(
        Output("map", "figure"),
        Input("dates", "start_date"),
        Input("dates", "end_date"),
        Input("metric", "value"),
    )
    def _update(start_date: str | None, end_date: str | None, metric: str) -> go.Figure:
        return update_map(start_date, end_date, metric, data=data)

    return app


@click.command()
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: Settings.from_env().data,
    help="A store folder (e.g. one written by bench.synthetic) [PROTESTMAP_DATA].",
)
@click.option("--port", default=8051, show_default=True, type=int)
@click.option("--measure-only", is_flag=True, help="Time one date-range update and exit.")
def main(data: Path, port: int, measure_only: bool) -> None:
    """Serve the naive baseline app, or time its callback."""
    if measure_only:
        for metric in METRICS:
            print(metric, measure("2022-02-24", str(dt.date(2022, 3, 31)), metric, data=data))
        return
    create_app(data).run(port=port, debug=False)


if __name__ == "__main__":
    main()
