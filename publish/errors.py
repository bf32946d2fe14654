"""One error handler for every Flask route: a short answer, never Flask's default error page.

A request we could have checked (a bad callback body, an unknown component-suite path, a
body over the size cap) gets its 4xx status and one line saying why, logged as one line
without a traceback. Anything else is a bug of ours: its traceback goes to the log, and the
client gets a 500 that says only that, so no stack trace or path leaves the server. Callback
endpoints (``/_dash-...``) answer in JSON, everything else in plain text. The publish
routes raise what they mean (``BadRequest`` 400, ``Busy`` 503 with ``Retry-After``,
``RenderTimeout`` 504) and are answered here too.
"""

from __future__ import annotations

import logging

import dash
import flask
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException, NotFound

from core.i18n import N_, gettext, query_language
from layers.language import request_language
from publish import exports
from publish.params import BadRequest

log = logging.getLogger("protestmap")


def error_response(status: int, message: str) -> flask.Response:
    """The answer to a failed request, JSON for Dash's own endpoints, else text."""
    if flask.request.path.startswith(flask.request.script_root + "/_dash-"):
        response = flask.jsonify({"error": {"status": status, "message": message}})
        response.status_code = status
        return response
    return flask.Response(message + "\n", status=status, mimetype="text/plain")


#: What the refusals a client can meet are called and why, by status. werkzeug's own texts
#: are English only (and say "the browser (or proxy)"); these are marked for the catalogues.
HTTP_TEXTS = {
    400: (N_("Bad Request"), N_("the request could not be understood.")),
    404: (N_("Not Found"), N_("nothing is served at this address; check the link.")),
    405: (N_("Method Not Allowed"), N_("this address does not answer this kind of request.")),
    408: (N_("Request Timeout"), N_("the request did not arrive in time; try again.")),
    411: (N_("Length Required"), N_("the request must state the length of its body.")),
    413: (
        N_("Request Entity Too Large"),
        N_("the request's body is larger than this server accepts."),
    ),
    414: (N_("Request URI Too Large"), N_("the address is longer than this server accepts.")),
    415: (N_("Unsupported Media Type"), N_("this address does not accept this type of content.")),
    416: (
        N_("Requested Range Not Satisfiable"),
        N_("the requested part lies beyond the end of the file."),
    ),
    429: (N_("Too Many Requests"), N_("too many requests in a short time; try again shortly.")),
    431: (
        N_("Request Header Fields Too Large"),
        N_("the request's headers are larger than this server accepts."),
    ),
    501: (N_("Not Implemented"), N_("this server does not answer this kind of request.")),
}
#: The answer to a refusal not in ``HTTP_TEXTS`` (after its status code).
UNANSWERED = N_("this request could not be answered.")
#: Reasons our own routes give a refusal, beyond werkzeug's.
NO_SUCH_ASSET = N_("no such script or style is served by this app")


def http_message(exc: HTTPException, lang: str) -> str:
    """The one line answering ``exc`` in ``lang``: its status, its name and why.

    A reason given where the refusal was raised (rather than werkzeug's default text) is
    kept, in ``lang`` when the catalogue has it.
    """
    status = exc.code or 500
    name, why = HTTP_TEXTS.get(status, ("", UNANSWERED))
    if exc.description != type(exc).description:  # a reason of ours
        why = exc.description or why
    title = f"{status} {gettext(lang, name)}" if name else str(status)
    return f"{title}: {gettext(lang, why)}"


def _http_error(exc: HTTPException) -> flask.Response:
    """A refusal (unknown address, wrong method, body too large...) in the reader's language.

    The log line stays in English, with werkzeug's own name and reason.
    """
    status = exc.code or 500
    message = exc.description or exc.name
    log.info("%s %s -> %d: %s", flask.request.method, flask.request.path[:200], status, message)
    response = error_response(status, http_message(exc, _lang()))
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def _unknown_resource(exc: DependencyException) -> flask.Response:
    """Dash's component suites: an unknown package or path is not found, not a failure."""
    return _http_error(NotFound(NO_SUCH_ASSET))


def _bad_request(exc: BadRequest) -> flask.Response:
    log.info("%s %s -> 400: %s", flask.request.method, flask.request.path[:200], exc)
    lang = _lang()
    return error_response(400, gettext(lang, "Bad request: {reason}").format(reason=exc.said(lang)))


def _busy(exc: exports.Busy) -> flask.Response:
    response = error_response(503, exc.said(_lang()))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _render_failed(exc: exports.RenderError) -> flask.Response:
    """A render that failed or timed out: ours to fix, but its message helps the reader."""
    log.error("%s %s: %s", flask.request.method, flask.request.path[:200], exc)
    status = 504 if isinstance(exc, exports.RenderTimeout) else 500
    return error_response(status, exc.said(_lang()))


def _bug(exc: Exception) -> flask.Response:
    log.error("%s %s failed", flask.request.method, flask.request.path[:200], exc_info=exc)
    return error_response(
        500,
        gettext(
            _lang(),
            "500 Internal Server Error: this request failed on the server; it has been logged.",
        ),
    )


def _lang() -> str:
    """The request's language (its ``lang``, else the browser's)."""
    return request_language(query_language(flask.request.query_string.decode("latin-1")))


def install(app: dash.Dash) -> None:
    """Register the handlers on ``app``'s Flask server (Dash's own handlers stay first)."""
    server = app.server
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(DependencyException, _unknown_resource)
    server.register_error_handler(BadRequest, _bad_request)
    server.register_error_handler(exports.Busy, _busy)
    server.register_error_handler(exports.RenderError, _render_failed)
    server.register_error_handler(Exception, _bug)
