"""Sessions over HTTP under attack: many refreshes with one refresh token at the same moment."""

from __future__ import annotations

import asyncio

import httpx

from tests.integration.web.conftest import Api


async def test_of_twenty_concurrent_refreshes_with_one_token_one_wins_and_then_the_family_is_revoked(api: Api) -> None:
    user = await api.register("racer")

    async def refresh_twenty_times(http: httpx.AsyncClient) -> list[httpx.Response]:
        body = {"refresh_token": user["refresh_token"]}
        return list(await asyncio.gather(*(http.post("/api/v1/auth/refresh", json=body) for _ in range(20))))

    answers = await api.at_once(refresh_twenty_times)

    assert sorted(a.status_code for a in answers) == [200] + [401] * 19, [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    after = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": winner["refresh_token"]})
    assert after.status_code == 401, after.text
