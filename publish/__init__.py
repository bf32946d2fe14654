"""Publishing: citable snapshots, data downloads, the embed page and pinned data versions."""

from core.texts import alt_text, embed_snippet
from publish.routes import register_routes

__all__ = ["alt_text", "embed_snippet", "register_routes"]
