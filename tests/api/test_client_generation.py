"""A typed client generated from the OpenAPI document works (issue 9).

openapi-python-client (offline) generates a package from `/openapi.json`; the test imports it and
runs a short flow through it against the app (an httpx ASGI transport, so the generated client's
own bearer-token handling is what authenticates): the admin creates a lifter, the lifter sets a
max, starts a program, lists its sessions and generates the first one, then replays it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.api.client import ADMIN_TOKEN

PACKAGE = "jit_generated_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def _generate(spec: dict[str, Any], where: Path) -> Path:
    (where / "spec.json").write_text(json.dumps(spec))
    (where / "config.json").write_text(json.dumps({"post_hooks": []}))  # no formatter needed
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(where / "spec.json"),
            "--config",
            str(where / "config.json"),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # every operation was generated: the generator skips (and warns about) what it cannot type
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    return where / PACKAGE


@pytest.mark.slow
def test_a_generated_client_runs_a_session_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'client.db'}", admin_token=ADMIN_TOKEN)
    app = create_app(settings)
    package = _generate(app.openapi(), tmp_path)
    assert (package / "api" / "sessions" / "generate_session.py").exists()

    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
        monkeypatch.delitem(sys.modules, name)
    client_module = importlib.import_module(PACKAGE)
    create_lifter = importlib.import_module(f"{PACKAGE}.api.admin.create_lifter")
    put_max = importlib.import_module(f"{PACKAGE}.api.me.put_max")
    create_program = importlib.import_module(f"{PACKAGE}.api.sessions.create_program")
    list_sessions = importlib.import_module(f"{PACKAGE}.api.sessions.list_sessions")
    generate_session = importlib.import_module(f"{PACKAGE}.api.sessions.generate_session")
    models = importlib.import_module(f"{PACKAGE}.models")

    app.state.jit.db.migrate()
    transport = httpx.ASGITransport(app=app)

    def as_(token: str) -> Any:
        return client_module.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": transport}
        )

    async def flow() -> None:
        async with as_(ADMIN_TOKEN) as admin:
            made = await create_lifter.asyncio(
                client=admin, body=models.LifterCreate(name="Generated client")
            )
        assert isinstance(made, models.LifterCreated), made
        async with as_(made.token) as lifter:
            for lift, kg in ((models.Lift.SQUAT, 140), (models.Lift.BENCH, 100)):
                stored = await put_max.asyncio(lift, client=lifter, body=models.MaxIn(one_rm_kg=kg))
                assert isinstance(stored, models.MaxOut), stored
            stored = await put_max.asyncio(
                models.Lift.DEADLIFT, client=lifter, body=models.MaxIn(one_rm_kg=180)
            )
            assert isinstance(stored, models.MaxOut), stored

            program = await create_program.asyncio(
                client=lifter, body=models.ProgramIn(total_weeks=4)
            )
            assert isinstance(program, models.ProgramOut), program
            assert program.status == models.ProgramStatus.ACTIVE

            page = await list_sessions.asyncio(client=lifter, limit=5)
            assert isinstance(page, models.SessionPage), page
            assert page.items
            first = page.items[0]
            assert first.status == models.SessionStatus.PLANNED

            generated = await generate_session.asyncio_detailed(
                first.id, client=lifter, body=models.CheckIn(), idempotency_key="client-1"
            )
            assert generated.status_code == 200, generated.content
            out = generated.parsed
            assert isinstance(out, models.GenerationOut), out
            assert out.session_id == first.id
            assert out.jit_strategy in set(models.StrategyUsed)
            assert out.prescription.main_lift_sets
            assert generated.headers["Idempotent-Replayed"] == "false"

            again = await generate_session.asyncio_detailed(
                first.id, client=lifter, body=models.CheckIn(), idempotency_key="client-1"
            )
            assert again.headers["Idempotent-Replayed"] == "true"
            assert isinstance(again.parsed, models.GenerationOut)
            assert again.parsed.generation_id == out.generation_id

            refused = await list_sessions.asyncio_detailed(client=as_("jit_wrong"), limit=5)
            assert refused.status_code == 401
            assert isinstance(refused.parsed, models.ErrorResponse)

    try:
        asyncio.run(flow())
    finally:
        app.state.jit.db.dispose()
