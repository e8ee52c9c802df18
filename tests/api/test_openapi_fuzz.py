"""schemathesis against /openapi.json: bounded generated requests, never a 5xx.

Requests carry a valid lifter token (admin routes: the admin token) so the fuzzing reaches the
handlers, not only the auth check. The app is built from settings with no model provider, so
`llm`/`hybrid` generations fall back and write their call records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.settings import LlmSettings, Settings
from benchmarks.api_load import temporary_database
from tests.api.client import ADMIN_TOKEN
from tests.databases import DB_KINDS, LOOPBACK, postgres_base_url

MAX_EXAMPLES = 12


@pytest.fixture(scope="module", params=DB_KINDS)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The app over a database of its own: the fuzz creates whatever valid bodies allow (global
    routing rules, rollouts, triggers), which must not steer the other tests' generations."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
        else:
            base = postgres_base_url()
            assert base is not None
            url = stack.enter_context(temporary_database(base, prefix="jit_fuzz"))
        app = create_app(Settings(database_url=url, admin_token=ADMIN_TOKEN, llm=LlmSettings()))
        client = stack.enter_context(TestClient(app))
        made = client.post(
            "/v1/lifters",
            json={"name": "fuzz"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        ).json()
        token = made["token"]
        auth = {"Authorization": f"Bearer {token}"}
        client.put("/v1/me/maxes/squat", json={"one_rm_kg": 120}, headers=auth)
        client.post("/v1/me/programs", json={"total_weeks": 2}, headers=auth)
        yield app, token


schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"), migrate=False)
)


@pytest.mark.slow
@pytest.mark.allow_hosts(LOOPBACK)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_gets_a_server_error(case: Any, fuzz_app: Any) -> None:
    app, token = fuzz_app
    admin = case.path.startswith(("/v1/lifters", "/v1/admin"))
    case.headers = {
        **(case.headers or {}),
        "Authorization": f"Bearer {ADMIN_TOKEN if admin else token}",
    }
    response = case.call(app=app)
    case.validate_response(response, checks=(not_a_server_error,))
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
