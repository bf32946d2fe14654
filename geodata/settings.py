"""Runtime settings, read once from ``PROTESTMAP_*`` environment variables and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PROTESTMAP_{name.upper()}", default)


#: Settings kept as text (addresses), not paths.
_TEXT = frozenset({"redis", "remote"})
#: Settings derived from others, never read from a variable of their own.
_DERIVED = frozenset({"remote"})


@dataclass(frozen=True)
class Settings:
    """Where protestmap keeps things. Each field maps to ``PROTESTMAP_<NAME>``."""

    data: Path = field(
        default=Path("data"),
        metadata={
            "help": "folder of the GeoParquet store (regions, incidents), or s3://bucket/prefix "
            "for a store on object storage (then `remote`, and this machine's copy of it in the "
            "cache folder)"
        },
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

    remote: str | None = field(
        default=None,
        metadata={
            "help": "s3://bucket/prefix of a store on object storage, taken from PROTESTMAP_DATA "
            "(endpoint and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)"
        },
    )

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from the environment; unset variables keep their defaults.

        ``PROTESTMAP_DATA=s3://bucket/prefix`` sets ``remote``; ``data`` is then where this
        machine keeps its copies of the store's versions, under the cache folder.
        """
        values: dict[str, Path | str] = {}
        for f in fields(cls):
            raw = _env(f.name, "") if f.name not in _DERIVED else ""
            if raw:
                values[f.name] = raw if f.name in _TEXT else Path(raw)
        location = _env("data", "")
        if location.startswith("s3://"):
            cache = Path(values.get("cache", cls.cache))
            values["remote"] = location
            values["data"] = cache / "s3" / location.removeprefix("s3://").strip("/")
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
