"""The dashboard's login, session cookie and CSRF protection (ADR 0019), on every database kind:
no cookie redirects, a wrong token is refused, the cookie's flags, expiry and forgery, logout,
and a form without the session's CSRF token is a 403 that changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.dashboard.sessions import COOKIE
from api.persistence.tables import RolloutRow, RoutingRuleRow
from tests.dashboard.conftest import Dashboard

PAGES = [
    "/admin",
    "/admin/rules",
    "/admin/rollouts",
    "/admin/calls",
    "/admin/comparisons",
    "/admin/recommendations",
    "/admin/lifters",
    "/admin/lifters/some-lifter",
]
FORMS = [
    "/admin/rules",
    "/admin/rules/rollback",
    "/admin/distilled/some-rule/advance",
    "/admin/rollouts/some-rollout/rollback",
    "/admin/recommendations/some-lifter/some-id/accept",
    "/admin/logout",
]
NOTE = {"changed_by": "ops", "reason": "testing"}


def _cookie_header(response: Any) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")]
    assert len(headers) == 1, headers
    header: str = headers[0]
    return header


@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_the_login_without_a_session(
    dashboard: Dashboard, path: str
) -> None:
    response = dashboard.page(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


@pytest.mark.parametrize("path", FORMS)
def test_every_form_redirects_to_the_login_without_a_session(
    dashboard: Dashboard, path: str
) -> None:
    response = dashboard.client.post(path, data={"csrf": "0" * 64}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_the_login_page_renders_a_form(dashboard: Dashboard) -> None:
    response = dashboard.page("/admin/login")
    assert response.status_code == 200
    assert 'name="token"' in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_wrong_token_is_refused_and_sets_no_cookie(dashboard: Dashboard) -> None:
    response = dashboard.login("not-the-token")
    assert response.status_code == 401
    assert "That is not the admin token." in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")
    assert dashboard.page("/admin").status_code == 303


def test_the_right_token_sets_a_strict_http_only_cookie_for_admin_paths(
    dashboard: Dashboard,
) -> None:
    response = dashboard.login()
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    header = _cookie_header(response).lower()
    assert "httponly" in header
    assert "samesite=strict" in header
    assert "path=/admin" in header
    assert "max-age=43200" in header  # 12 h
    assert "secure" not in header  # plain http: a browser would drop a Secure cookie
    page = dashboard.page("/admin")
    assert page.status_code == 200
    assert "Overview" in page.text


def test_over_https_the_cookie_is_secure(make_dashboard: Any) -> None:
    dashboard: Dashboard = make_dashboard(base_url="https://testserver")
    response = dashboard.login()
    assert response.status_code == 303
    assert "; secure" in _cookie_header(response).lower()


def test_a_signed_in_admin_visiting_the_login_page_goes_to_the_overview(
    dashboard: Dashboard,
) -> None:
    dashboard.login()
    response = dashboard.page("/admin/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"


def test_a_tampered_cookie_is_no_session(dashboard: Dashboard) -> None:
    dashboard.login()
    value = dashboard.client.cookies[COOKIE]
    session_id, expires, signature = value.split(".")
    forged = [
        f"{session_id}.{int(expires) + 3600}.{signature}",  # a longer life
        f"other.{expires}.{signature}",  # another id
        f"{session_id}.{expires}.{'0' * 64}",  # a made-up signature
        "garbage",
    ]
    for cookie in forged:
        dashboard.client.cookies.clear()
        dashboard.client.cookies.set(COOKIE, cookie, path="/admin")
        assert dashboard.page("/admin").status_code == 303, cookie


def test_a_session_ends_after_twelve_hours(dashboard: Dashboard) -> None:
    dashboard.login()
    clock = dashboard.api.clock
    clock.set(clock() + timedelta(hours=11, minutes=59))
    assert dashboard.page("/admin").status_code == 200
    clock.set(clock() + timedelta(minutes=1))
    assert dashboard.page("/admin").status_code == 303


def test_another_admin_token_ends_every_session(make_dashboard: Any) -> None:
    first: Dashboard = make_dashboard()
    first.login()
    cookie = first.client.cookies[COOKIE]
    second: Dashboard = make_dashboard(admin_token="a-new-admin-token")
    second.client.cookies.set(COOKIE, cookie, path="/admin")
    assert second.page("/admin").status_code == 303


def test_logout_clears_the_cookie(dashboard: Dashboard) -> None:
    dashboard.login()
    response = dashboard.submit("/admin/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    header = _cookie_header(response).lower()
    assert 'jit_admin=""' in header or "jit_admin=;" in header
    assert "max-age=0" in header
    assert "path=/admin" in header
    assert dashboard.page("/admin").status_code == 303


def test_logout_needs_the_csrf_token(dashboard: Dashboard) -> None:
    dashboard.login()
    response = dashboard.submit("/admin/logout", {}, csrf=None)
    assert response.status_code == 403
    assert dashboard.page("/admin").status_code == 200  # still signed in


def test_with_admin_routes_off_the_login_page_says_so(make_dashboard: Any) -> None:
    dashboard: Dashboard = make_dashboard(admin_token=None)
    page = dashboard.page("/admin/login")
    assert page.status_code == 200
    assert "Admin routes are off" in page.text
    assert 'name="token"' not in page.text
    refused = dashboard.login("anything")
    assert refused.status_code == 401
    assert "Admin routes are off" in refused.text
    assert dashboard.page("/admin").status_code == 303


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, "not-hex"])
def test_a_rollout_change_without_the_right_csrf_token_is_forbidden_and_changes_nothing(
    dashboard: Dashboard, csrf: str | None
) -> None:
    started = dashboard.api.client.post(
        "/v1/admin/rollouts",
        json={**NOTE, "candidate": "hybrid", "min_samples": 30, "min_elapsed_s": 0},
        headers={"Authorization": "Bearer admin-secret-for-tests"},
    )
    assert started.status_code == 201, started.text
    rollout_id = started.json()["id"]
    dashboard.login()
    response = dashboard.submit(f"/admin/rollouts/{rollout_id}/rollback", NOTE, csrf=csrf)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert "Traceback" not in response.text
    (row,) = dashboard.api.rows(RolloutRow, id=rollout_id)
    assert row.phase == "shadow"


def test_a_rule_edit_with_another_sessions_csrf_token_is_forbidden(make_dashboard: Any) -> None:
    alice: Dashboard = make_dashboard()
    alice.login()
    alices_token = alice.csrf("/admin/rules")
    mallory: Dashboard = make_dashboard()
    mallory.login()
    response = mallory.submit("/admin/rules", {**NOTE, "strategy": "llm"}, csrf=alices_token)
    assert response.status_code == 403
    assert mallory.api.rows(RoutingRuleRow) == []
    accepted = alice.submit("/admin/rules", {**NOTE, "strategy": "llm"}, csrf=alices_token)
    assert accepted.status_code == 303
    assert len(alice.api.rows(RoutingRuleRow)) == 1
