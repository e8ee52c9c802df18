"""The dashboard in a real browser (issue 13): the app served by uvicorn on a loopback port over
a seeded SQLite file, driven by headless Chromium (Debian's, through Playwright). It logs in,
opens every page, makes one change per kind of form (edit a routing rule, roll back a rollout,
accept a recommendation), checks each in the database, logs out, and screenshots every page.

Screenshots go to a temporary folder, or to `JIT_DASHBOARD_SCREENSHOTS` when set (the README's
pictures in docs/dashboard/ are made that way; docs/dashboard/README.md). Without Chromium the
test is skipped locally with the reason, and fails in CI (`CI` set): CI never skips it silently.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import ConsoleMessage, expect, sync_playwright
from sqlmodel import SQLModel, select

from api.app import create_app
from api.clock import FixedClock
from api.persistence.db import Database
from api.persistence.tables import CalibrationRecommendationRow, RolloutRow, RoutingRuleRow
from api.settings import LlmSettings, Settings
from tests.api.client import ADMIN_TOKEN, Api
from tests.api.conftest import MONDAY
from tests.conftest import IN_CI
from tests.dashboard.seed import Seeded, model_registry, seed

CHROMIUM = Path("/usr/bin/chromium")
PAGES = {  # screenshot name -> path, and the page's heading
    "overview": ("/admin?days=90", "Overview"),
    "rules": ("/admin/rules", "Routing rules"),
    "rollouts": ("/admin/rollouts", "Rollouts"),
    "calls": ("/admin/calls", "Model calls"),
    "comparisons": ("/admin/comparisons", "Hybrid comparisons"),
    "recommendations": ("/admin/recommendations", "Recommendations and calibrations"),
    "lifters": ("/admin/lifters", "Lifters"),
}


def _chromium(path: Path = CHROMIUM, *, in_ci: bool = IN_CI) -> Path:
    """Chromium's path; without it a skip with the reason, or in CI a failure."""
    if not path.is_file():
        reason = f"{path} is missing: install Debian's chromium (scripts/test.sh does as root)"
        if in_ci:
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def seeded_file(tmp_path: Path) -> tuple[str, Seeded, FixedClock]:
    """A migrated SQLite file holding `seed`'s data, written through the JSON API."""
    url = f"sqlite:///{tmp_path / 'dashboard.db'}"
    clock = FixedClock(MONDAY)
    settings = Settings(database_url=url, admin_token=ADMIN_TOKEN, llm=LlmSettings())
    app = create_app(settings, clock=clock, registry=model_registry())
    with TestClient(app) as client:
        data = seed(Api(client, app, clock))
    return url, data, clock


@pytest.fixture
def server(seeded_file: tuple[str, Seeded, FixedClock]) -> Iterator[tuple[str, str, Seeded]]:
    """The real app under uvicorn on a loopback port, in a thread, over the seeded file."""
    url, data, clock = seeded_file
    settings = Settings(database_url=url, admin_token=ADMIN_TOKEN, llm=LlmSettings())
    app = create_app(settings, clock=FixedClock(clock()), registry=model_registry())
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", url, data
    finally:
        uv.should_exit = True
        thread.join(timeout=15)


def _rows(url: str, table: type[SQLModel], **where: Any) -> list[Any]:
    database = Database(url)
    try:
        with database.read() as unit:
            query = select(table)
            for name, value in where.items():
                query = query.where(getattr(table, name) == value)
            return list(unit.exec(query).all())
    finally:
        database.dispose()


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JIT_DASHBOARD_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_an_admin_logs_in_opens_every_page_and_changes_each_kind_of_form(
    server: tuple[str, str, Seeded], tmp_path: Path
) -> None:
    chromium = _chromium()
    base, url, data = server
    shots = _screenshots(tmp_path)
    taken: list[Path] = []

    def snap(page: Any, name: str) -> None:
        path = shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[tuple[str, str]] = []

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    errors.append((message.text, message.location.get("url", "")))

            page.on("console", console)

            # No session: every page sends the browser to the login form.
            page.goto(f"{base}/admin/rollouts")
            expect(page).to_have_url(f"{base}/admin/login")
            snap(page, "login")
            page.fill("input[name=token]", "not-the-token")
            page.click("form.login button")
            expect(page.get_by_role("alert")).to_have_text("That is not the admin token.")
            page.fill("input[name=token]", ADMIN_TOKEN)
            page.click("form.login button")
            expect(page).to_have_url(f"{base}/admin")
            cookie = next(c for c in page.context.cookies() if c["name"] == "jit_admin")
            assert cookie["httpOnly"] is True
            assert cookie["sameSite"] == "Strict"
            assert cookie["path"] == "/admin"

            # Every page opens and shows its data.
            for name, (path, heading) in PAGES.items():
                page.goto(f"{base}{path}")
                expect(page.locator("h1")).to_have_text(heading)
                assert "Traceback" not in page.content()
                snap(page, name)
            page.goto(f"{base}/admin/lifters")
            page.click("text=Ada")
            expect(page.locator("h1")).to_contain_text("Ada")
            expect(page.locator("svg.band").first).to_be_visible()
            snap(page, "lifter")
            stylesheet = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert stylesheet == "rgb(246, 247, 249)"  # dashboard.css loaded from the app

            # Edit the global routing rule.
            page.goto(f"{base}/admin/rules")
            form = page.locator("form.edit-rule")
            form.locator("select[name=strategy]").select_option("hybrid")
            form.locator("input[name=max_calls_per_day]").fill("25")
            form.locator("input[name=changed_by]").fill("browser")
            form.locator("input[name=reason]").fill("hybrid for a while")
            form.locator("button[type=submit]").click()
            expect(page.get_by_role("status")).to_have_text("The rule was saved as a new version.")
            newest = max(_rows(url, RoutingRuleRow, scope_key="global"), key=lambda r: r.version)
            assert (newest.version, newest.rule) == (
                2,
                {"strategy": "hybrid", "max_calls_per_day": 25},
            )
            assert (newest.changed_by, newest.reason) == ("browser", "hybrid for a while")

            # Roll the rollout back from canary to shadow.
            page.goto(f"{base}/admin/rollouts")
            section = page.locator(f"#rollout-{data.rollout_id}")
            expect(section.locator(".phase")).to_have_text("canary")
            rollback = section.locator("form[action$='/rollback']")
            rollback.locator("input[name=changed_by]").fill("browser")
            rollback.locator("input[name=reason]").fill("p99 looks worse")
            rollback.locator("button").click()
            expect(page.get_by_role("status")).to_have_text("The rollout went one phase back.")
            expect(section.locator(".phase")).to_have_text("shadow")
            (rollout,) = _rows(url, RolloutRow, id=data.rollout_id)
            assert rollout.phase == "shadow"

            # Accept the pending recommendation.
            page.goto(f"{base}/admin/recommendations")
            row = page.locator(f"#recommendation-{data.recommendation_id}")
            row.get_by_role("button", name="Accept").click()
            expect(page.get_by_role("status")).to_have_text("The recommendation was accepted.")
            expect(page.locator(f"#recommendation-{data.recommendation_id}")).to_have_count(0)
            (decided,) = _rows(url, CalibrationRecommendationRow, id=data.recommendation_id)
            assert decided.status == "accepted"

            # Log out: the cookie is gone and pages send the browser to the login form again.
            page.get_by_role("button", name="Log out").click()
            expect(page).to_have_url(f"{base}/admin/login")
            assert not [c for c in page.context.cookies() if c["name"] == "jit_admin"]
            page.goto(f"{base}/admin/rules")
            expect(page).to_have_url(f"{base}/admin/login")
            # No console errors (e.g. a CSP refusal) but the wrong token's 401 and the browser's
            # own request for a favicon, which the dashboard does not have.
            unexpected = [
                (text, where)
                for text, where in errors
                if not where.endswith("/favicon.ico")
                and not (where.endswith("/admin/login") and "401" in text)
            ]
            assert unexpected == []
        finally:
            browser.close()
    assert sorted(p.name for p in taken) == sorted(f"{n}.png" for n in (*PAGES, "login", "lifter"))
    assert all(p.stat().st_size > 5_000 for p in taken)


def test_without_chromium_the_test_is_skipped_locally_and_fails_in_ci(tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium"
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        _chromium(missing, in_ci=False)
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        _chromium(missing, in_ci=True)
    present = tmp_path / "chromium"
    present.write_text("")
    assert _chromium(present, in_ci=True) == present
