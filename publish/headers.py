"""Security and caching headers on every response (see docs/security.md for the promises).

- Framing: only the exact ``/embed`` route may be framed, by any site; every other response
  says ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
- A Content-Security-Policy whose ``script-src`` allows this server's files and, by hash,
  the one inline script Dash writes (``app.csp_hashes()``): an injected ``<script>`` or
  ``onclick`` does not run. The embed page has no inline script at all.
- ``X-Content-Type-Options: nosniff``, a ``Referrer-Policy`` that sends no address to other
  sites (a source's server does not learn which view a reader came from) and a
  ``Permissions-Policy`` turning off device APIs the app never uses.
- Caching: files whose URL names their version (Dash's fingerprinted component suites,
  ``/assets/...?m=<mtime>``, the embed's ``/embed/static/v<hex>/...``) and pinned (``v=``)
  exports and downloads never change, so they are cached for a year as ``immutable``; so is an
  embed pinned to a version older than the latest (it already says newer data exist). Other
  embeds and the pages (the dashboard, Compare, About: one page per language, which then asks
  for its view) may be kept a minute (``PAGE``); each has an ``ETag``, answers a matching
  ``If-None-Match`` with 304 (and varies by ``Accept-Language`` when the URL names no
  language: ``publish.routes``). Nothing is ``no-store``: no response is private.
"""

from __future__ import annotations

from collections.abc import Container

import dash
import flask
from dash.fingerprint import check_fingerprint

from publish.routes import STAMPED

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
#: An embed that follows the latest data: a proxy or browser may keep it this long.
PAGE = "public, max-age=60"
EMBED = "/embed"
_SHARED = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
REFERRER_POLICY = "same-origin"
#: Prefixes of URLs that serve files; with a version in the URL they are immutable.
_SUITES = "/_dash-component-suites/"
_PINNABLE = ("/export/", "/download/")
_EMBED_FILES = "/embed/static/"


def content_security_policy(script_hashes: list[str], *, framed: bool) -> str:
    """The CSP of a response: this server's scripts plus ``script_hashes``; who may frame it."""
    scripts = " ".join(["'self'", *script_hashes])
    ancestors = "*" if framed else "'none'"
    return "; ".join([*_SHARED, f"script-src {scripts}", f"frame-ancestors {ancestors}"])


def versioned(path: str, args: Container[str]) -> bool:
    """Whether a URL (``path`` and its query's names) names the version of what it serves."""
    if path.startswith(_SUITES):
        return check_fingerprint(path)[1]
    if path.startswith("/assets/"):
        return "m" in args
    if path.startswith(_EMBED_FILES):
        return bool(STAMPED.match(path.removeprefix(_EMBED_FILES).partition("/")[0]))
    return path.startswith(_PINNABLE) and "v" in args


def install(app: dash.Dash) -> None:
    """Add the headers to every response of ``app``; call it after the last callback.

    Dash's inline script is hashed once here: a clientside callback added later would be
    refused by the browser (and the browser tests would say so).
    """
    root = app.config.routes_pathname_prefix.rstrip("/")
    pages = {f"{root}/", f"{root}/<path:path>"}  # Dash's page routes (endpoint = rule)
    hashes = list(app.csp_hashes())
    page_csp = content_security_policy(hashes, framed=False)
    embed_csp = content_security_policy([], framed=True)

    @app.server.after_request
    def secure(response: flask.Response) -> flask.Response:
        request = flask.request
        path = request.path.removeprefix(root)
        headers = response.headers
        if path == EMBED:
            headers["Content-Security-Policy"] = embed_csp
            headers.pop("X-Frame-Options", None)
        else:
            headers["Content-Security-Policy"] = page_csp
            headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = REFERRER_POLICY
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if response.status_code != 200:
            return response
        if versioned(path, request.args) or flask.g.get("immutable"):
            headers["Cache-Control"] = IMMUTABLE
        elif path == EMBED or request.endpoint in pages:
            headers["Cache-Control"] = PAGE
        if path == EMBED or request.endpoint in pages:
            response.add_etag()
            response.make_conditional(request)
        return response
