"""Refused requests (404, 405, 413...) answered in the reader's language, JSON for Dash's endpoints.

Through Flask's test client of the real app: the routing, hooks and error handlers waitress
serves. The language comes from ``?lang=`` or else the browser's Accept-Language.
"""

from __future__ import annotations

import dash
import pytest
from dash import html
from werkzeug.exceptions import ImATeapot, NotFound

from app import create_app
from geodata.settings import Settings
from publish import errors, guards

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
NOT_FOUND = {
    "en": "404 Not Found: nothing is served at this address; check the link.",
    "ru": "404 Не найдено: по этому адресу ничего нет; проверьте ссылку.",
}
NOT_ALLOWED = {
    "en": "405 Method Not Allowed: this address does not answer this kind of request.",
    "ru": "405 Метод не разрешён: этот адрес не отвечает на такой запрос.",
}


@pytest.fixture(scope="module")
def client(built_store, tmp_path_factory):
    app = create_app(Settings(data=built_store, cache=tmp_path_factory.mktemp("cache")))
    return app.server.test_client()


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ("", {}, "en"),
        ("?lang=ru", {}, "ru"),
        ("", RU, "ru"),
        ("?lang=en", RU, "en"),  # the link's language wins over the browser's
    ],
)
def test_an_unknown_address_is_404_in_the_readers_language(client, query, headers, lang):
    for path in ("/embed/static/no-such-file.js", "/assets/no-such-file.css", "/no/such/page"):
        response = client.get(path + query, headers=headers)
        assert response.status_code == 404
        assert response.mimetype == "text/plain"
        assert response.text == NOT_FOUND[lang] + "\n"
        # Chosen by Accept-Language, the answer says it varies by it (for caches).
        assert ("Accept-Language" in response.headers.get("Vary", "")) == (not query)


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [("", {}, "en"), ("?lang=ru", {}, "ru"), ("", RU, "ru")],
)
def test_a_wrong_method_is_405_in_the_readers_language(client, query, headers, lang):
    response = client.post(f"/download/regions.csv{query}", headers=headers)
    assert response.status_code == 405
    assert response.mimetype == "text/plain"
    assert response.text == NOT_ALLOWED[lang] + "\n"
    assert "GET" in response.headers["Allow"]  # werkzeug's own header is kept


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_dash_endpoints_answer_refusals_in_json_in_the_readers_language(client, lang):
    headers = RU if lang == "ru" else {}
    wrong = client.put("/_dash-update-component", headers=headers)
    assert wrong.status_code == 405
    assert wrong.get_json() == {"error": {"status": 405, "message": NOT_ALLOWED[lang]}}
    big = client.post(
        f"/_dash-update-component?lang={lang}",
        data=b"[" * (guards.MAX_BODY + 1),
        content_type="application/json",
    )
    assert big.status_code == 413
    assert (
        big.get_json()["error"]["message"]
        == {
            "en": "413 Request Entity Too Large: "
            "the request's body is larger than this server accepts.",
            "ru": "413 Запрос слишком велик: тело запроса больше, чем принимает этот сервер.",
        }[lang]
    )


def test_our_own_reason_for_a_404_is_said_in_russian_too(client):
    response = client.get("/_dash-component-suites/no_such_package/x.js?lang=ru")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == (
        "404 Не найдено: такого скрипта или стиля это приложение не отдаёт"
    )


@pytest.mark.parametrize(
    ("exc", "lang", "said"),
    [
        # A status without its own text: the number and a general sentence.
        (ImATeapot(), "en", "418: this request could not be answered."),
        (ImATeapot(), "ru", "418: на этот запрос не удалось ответить."),
        # A reason the catalogue does not have is kept as raised.
        (NotFound("gone with version 3"), "ru", "404 Не найдено: gone with version 3"),
        (NotFound(), "en", NOT_FOUND["en"]),
    ],
)
def test_http_message(exc, lang, said):
    assert errors.http_message(exc, lang) == said


def test_a_bare_app_with_the_handlers_answers_in_russian():
    bare = dash.Dash(__name__)
    bare.layout = html.Div()  # Dash refuses every request of an app without one
    errors.install(bare)

    @bare.server.route("/teapot")
    def teapot():
        raise ImATeapot()

    response = bare.server.test_client().get("/teapot?lang=ru")
    assert response.status_code == 418
    assert response.text == "418: на этот запрос не удалось ответить.\n"


def test_the_icon_browsers_ask_for_unasked_is_served(client):
    # The embed page names no icon, so browsers fetch /favicon.ico; a 404 there is a console
    # error in every embedding article.
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/x-icon" and icon.data
