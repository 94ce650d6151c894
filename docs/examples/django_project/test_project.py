"""The recipe under pytest-django: its ``client`` and ``async_client`` fixtures."""

from __future__ import annotations

import asyncio

from django.test import AsyncClient, Client


def session_cookie(client: Client | AsyncClient) -> str:
    return client.cookies["_session"].value


def test_login_replaces_the_token_and_logout_ends_it(client: Client) -> None:
    first = client.get("/")
    assert first.content == b"Hello, stranger (theme light, visit 1)\n"
    anonymous = session_cookie(client)
    assert client.post("/login", {"name": "ada"}).status_code == 302
    assert session_cookie(client) != anonymous  # reset() before the login
    assert client.get("/").content == b"Hello, ada (theme light, visit 2)\n"
    client.post("/logout")
    assert client.get("/").content.startswith(b"Hello, stranger")


def test_a_cookie_set_in_a_view(client: Client) -> None:
    response = client.get("/theme/dark")
    assert response.cookies["theme"].output(header="") == "theme=dark; Max-Age=31536000"
    assert client.get("/").content == b"Hello, stranger (theme dark, visit 1)\n"


def test_async_client(async_client: AsyncClient) -> None:
    async def visit_twice() -> None:
        response = await async_client.get("/")
        assert response.content == b"Hello, stranger (theme light, visit 1)\n"
        token = session_cookie(async_client)
        again = await async_client.get("/")
        assert session_cookie(async_client) == token
        assert again.content == b"Hello, stranger (theme light, visit 2)\n"

    asyncio.run(visit_twice())
