"""Runtime settings, read once from ``PROTESTMAP_*`` environment variables and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PROTESTMAP_{name.upper()}", default)


#: Settings kept as text (addresses), not paths.
_TEXT = frozenset({"redis"})


@dataclass(frozen=True)
class Settings:
    """Where protestmap keeps things. Each field maps to ``PROTESTMAP_<NAME>``."""

    data: Path = field(
        default=Path("data"),
        metadata={"help": "folder of the GeoParquet store (regions, incidents)"},
    )
    cache: Path = field(
        default=PROJECT_ROOT / ".cache",
        metadata={"help": "downloads (boundary package) and rendered exports"},
    )
    boundaries: Path | None = field(
        default=None,
        metadata={"help": "a Natural Earth admin-1 GeoJSON/shapefile instead of the npm package"},
    )
    countries: Path | None = field(
        default=None,
        metadata={"help": "a Natural Earth admin-0 file for the grey base layer"},
    )
    redis: str | None = field(
        default=None,
        metadata={
            "help": "redis://host:port/db shared by a fleet of servers: export cache, render "
            "locks and limit, new-data-version messages (unset: each process on its own)"
        },
    )

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment; unset variables keep their defaults."""
        values: dict[str, Path | str] = {}
        for f in fields(cls):
            raw = _env(f.name, "")
            if raw:
                values[f.name] = raw if f.name in _TEXT else Path(raw)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def incidents_path(self) -> Path:
        """The incident GeoParquet file."""
        return self.data / "incidents.parquet"

    @property
    def regions_path(self) -> Path:
        """The regions GeoParquet file."""
        return self.data / "regions.parquet"

    @property
    def countries_path(self) -> Path:
        """The neighbouring-countries base layer."""
        return self.data / "countries.parquet"
