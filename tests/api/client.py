"""A thin test client: provisioning and the common calls, each returning the raw response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import SQLModel, select

from api.clock import FixedClock
from api.state import AppState

__all__ = ["ADMIN_TOKEN", "Api", "Lifter"]

Row = TypeVar("Row", bound=SQLModel)
ADMIN_TOKEN = "admin-secret-for-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass(frozen=True)
class Lifter:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    def __init__(self, client: TestClient, app: FastAPI, clock: FixedClock) -> None:
        self.client = client
        self.app = app
        self.clock = clock

    @property
    def state(self) -> AppState:
        state: AppState = self.app.state.jit
        return state

    def lifter(self, **fields: Any) -> Lifter:
        response = self.client.post("/v1/lifters", json={"name": "Lifter", **fields}, headers=ADMIN)
        assert response.status_code == 201, response.text
        body = response.json()
        return Lifter(id=body["lifter"]["id"], token=body["token"])

    def get(self, who: Lifter, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, headers=who.auth, **kw)

    def post(self, who: Lifter, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.client.post(path, json=body if body is not None else {}, headers=who.auth, **kw)

    def put(self, who: Lifter, path: str, body: Any) -> httpx.Response:
        return self.client.put(path, json=body, headers=who.auth)

    def patch(self, who: Lifter, path: str, body: Any) -> httpx.Response:
        return self.client.patch(path, json=body, headers=who.auth)

    def set_max(self, who: Lifter, lift: str, kg: float) -> None:
        assert self.put(who, f"/v1/me/maxes/{lift}", {"one_rm_kg": kg}).status_code == 200

    def program(self, who: Lifter, **fields: Any) -> dict[str, Any]:
        response = self.post(who, "/v1/me/programs", {"total_weeks": 4, **fields})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def sessions(self, who: Lifter, **params: Any) -> list[dict[str, Any]]:
        response = self.get(who, "/v1/me/sessions", params={"limit": 200, **params})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def generate(
        self, who: Lifter, session_id: str, key: str = "key-1", body: Any = None
    ) -> httpx.Response:
        return self.client.post(
            f"/v1/me/sessions/{session_id}/generate",
            json=body if body is not None else {},
            headers={**who.auth, "Idempotency-Key": key},
        )

    def log_set(self, who: Lifter, session_id: str, **fields: Any) -> httpx.Response:
        return self.post(who, f"/v1/me/sessions/{session_id}/sets", fields)

    def rows(self, table: type[Row], **where: Any) -> list[Row]:
        with self.state.db.read() as session:
            query = select(table)
            for name, value in where.items():
                query = query.where(getattr(table, name) == value)
            return list(session.exec(query).all())
