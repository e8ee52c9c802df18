"""The /admin dashboard's pages (issue 13, ADR 0019): server-rendered, thin over api/services.

Every page but the login page needs a signed session cookie (`api.dashboard.sessions`); without
one it redirects to the login page. Every form that changes something carries the session's CSRF
token, checked before anything else (403 page when missing or wrong). Query and form values are
read by hand, so a bad one is a message on the page (never FastAPI's JSON 422), and a service's
`ApiError` (404, 409, ...) is shown on the page with its status, never a traceback.

A successful change answers 303 to the page it changed with `?ok=<key>`: the page shows the
key's fixed message (`OK_MESSAGES`), so no text from the URL is ever shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.dashboard import sessions as auth
from api.dashboard.charts import bands, bars
from api.errors import ApiError, Forbidden, InvalidRequest, NotFound
from api.oracle_schemas import RuleActivation
from api.schemas import ChangeNote, RuleChange, RuleRollback
from api.services import audit, feedback, history, lifters, oracle, rollouts, routing_rules
from api.services import sessions as lifter_sessions
from api.services.report import ReportQuery, build_report
from api.services.routing_rules import GLOBAL, RuleScope, lift_scope, lifter_scope
from api.state import AppState, app_state
from shared_types.enums import Lift
from shared_types.routing import RouteRule

__all__ = ["PREFIX", "STATIC_DIR", "router"]

PREFIX = "/admin"
HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
PAGE_SIZE = 20

router = APIRouter(prefix=PREFIX, include_in_schema=False)

NAV = (
    ("overview", "", "Overview"),
    ("rules", "/rules", "Rules"),
    ("rollouts", "/rollouts", "Rollouts"),
    ("calls", "/calls", "Model calls"),
    ("comparisons", "/comparisons", "Comparisons"),
    ("recommendations", "/recommendations", "Recommendations"),
    ("lifters", "/lifters", "Lifters"),
)
OK_MESSAGES = {
    "rule-saved": "The rule was saved as a new version.",
    "rule-rolled-back": "The rule was rolled back: a new version copies the earlier one.",
    "distilled-activate": "The distilled rule is active.",
    "distilled-advance": "The distilled rule advanced one phase.",
    "distilled-pause": "The distilled rule is paused.",
    "distilled-resume": "The distilled rule serves again.",
    "distilled-rollback": "The distilled rule was rolled back.",
    "rollout-advance": "The rollout advanced one phase.",
    "rollout-pause": "The rollout is paused.",
    "rollout-resume": "The rollout runs again.",
    "rollout-rollback": "The rollout went one phase back.",
    "rollout-stop": "The rollout was stopped.",
    "recommendation-accept": "The recommendation was accepted.",
    "recommendation-dismiss": "The recommendation was dismissed.",
}
# Pages are never cached, framed or fed from elsewhere (there is no script on them at all).
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
RULE_FIELDS = tuple(RouteRule.model_fields)
BOOL_FIELDS = ("never_on_deload", "never_in_recovery", "prefer_llm_for_flexibility")
NUMBER_FIELDS = ("min_latency_ms", "max_cost_per_call", "max_calls_per_day")
CALL_STRATEGIES = ("llm", "hybrid", "auto", "shadow")
DISTILLED_ACTIONS = ("activate", "advance", "pause", "resume", "rollback")
ROLLOUT_ACTIONS = ("advance", "pause", "resume", "rollback", "stop")

Params = Mapping[str, str]


@dataclass(frozen=True)
class Admin:
    """A signed-in admin: the app's state, the signing key and the session."""

    state: AppState
    key: bytes
    session: auth.AdminSession

    @property
    def csrf(self) -> str:
        return auth.csrf_token(self.key, self.session)


def _root(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root + PREFIX


def _signed_in(request: Request) -> Admin | None:
    state = app_state(request)
    token = state.settings.admin_token
    if token is None:
        return None
    key = auth.signing_key(token.get_secret_value())
    session = auth.read_session(key, request.cookies.get(auth.COOKIE), state.clock())
    return None if session is None else Admin(state, key, session)


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"{_root(request)}/login", status_code=303)


def _render(
    request: Request,
    template: str,
    context: dict[str, Any],
    admin: Admin | None,
    *,
    status: int = 200,
) -> Response:
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"root": _root(request), "nav": NAV, "admin": admin, **context},
        status_code=status,
        headers=HEADERS,
    )


def _error_page(request: Request, admin: Admin | None, exc: ApiError) -> Response:
    return _render(request, "error.html", {"message": exc.message}, admin, status=exc.status)


# --- reading query and form values ------------------------------------------------------------


def _text(params: Params, name: str) -> str | None:
    value = params.get(name, "").strip()
    return value or None


def _id(params: Params, name: str) -> str | None:
    value = _text(params, name)
    if value is not None and not _ID.match(value):
        raise InvalidRequest(f"{name} must be 1-64 letters, digits or dashes")
    return value


def _path_id(value: str, what: str) -> str:
    if not _ID.match(value):
        raise NotFound(f"{what} not found")
    return value


def _int(params: Params, name: str, default: int, low: int = 0, high: int = 1_000_000) -> int:
    value = _text(params, name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidRequest(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def _date(params: Params, name: str) -> date | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be a date, YYYY-MM-DD") from None


def _choice(params: Params, name: str, choices: tuple[str, ...]) -> str | None:
    value = _text(params, name)
    if value is not None and value not in choices:
        raise InvalidRequest(f"{name} must be one of {', '.join(choices)}")
    return value


def _lift(params: Params) -> Lift | None:
    value = _choice(params, "lift", tuple(lift.value for lift in Lift))
    return None if value is None else Lift(value)


def _invalid(exc: ValidationError) -> InvalidRequest:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or 'form'}: {error['msg']}"
        for error in exc.errors()
    )
    return InvalidRequest(f"not saved: {problems}")


def _note(form: Params) -> dict[str, Any]:
    return {"changed_by": form.get("changed_by", ""), "reason": form.get("reason", "")}


def _pages(params: Params, name: str, total: int, offset: int) -> dict[str, str | None]:
    """The query strings of the previous and next page, the other filters kept."""
    kept = {k: v for k, v in params.items() if k not in (name, "ok") and v}

    def at(where: int) -> str:
        return "?" + urlencode({**kept, name: where})

    return {
        "previous": at(max(0, offset - PAGE_SIZE)) if offset > 0 else None,
        "next": at(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None,
    }


# --- login and logout -------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request) -> Response:
    state = app_state(request)
    if _signed_in(request) is not None:
        return RedirectResponse(_root(request), status_code=303)
    return _render(request, "login.html", {"off": state.settings.admin_token is None}, None)


@router.post("/login")
async def log_in(request: Request) -> Response:
    state = app_state(request)
    configured = state.settings.admin_token
    if configured is None:
        return _render(request, "login.html", {"off": True}, None, status=401)
    form = await request.form()
    given = form.get("token")
    token = configured.get_secret_value()
    if not isinstance(given, str) or not auth.token_matches(token, given):
        context = {"off": False, "error": "That is not the admin token."}
        return _render(request, "login.html", context, None, status=401)
    _, cookie = auth.new_session(auth.signing_key(token), state.clock())
    response = RedirectResponse(_root(request), status_code=303)
    response.set_cookie(
        auth.COOKIE,
        cookie,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        path=_root(request),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout")
async def log_out(request: Request) -> Response:
    admin = _signed_in(request)
    if admin is None:
        return _to_login(request)
    form = await request.form()
    if not _csrf_ok(admin, form):
        return _forbidden(request, admin)
    response = _to_login(request)
    response.delete_cookie(
        auth.COOKIE,
        path=_root(request),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


def _csrf_ok(admin: Admin, form: Mapping[str, Any]) -> bool:
    given = form.get("csrf")
    return auth.csrf_valid(admin.key, admin.session, given if isinstance(given, str) else None)


def _forbidden(request: Request, admin: Admin) -> Response:
    exc = Forbidden("the form's CSRF token is missing or wrong; reload the page and try again")
    return _error_page(request, admin, exc)


# --- pages ------------------------------------------------------------------------------------

Builder = Callable[[Admin, Params], dict[str, Any]]


def _page(request: Request, template: str, build: Builder) -> Response:
    """A page for a signed-in admin: its context built from the query (an `ApiError` shown as
    the page's message, with its status)."""
    admin = _signed_in(request)
    if admin is None:
        return _to_login(request)
    params = dict(request.query_params)
    try:
        context = build(admin, params)
    except ApiError as exc:
        return _error_page(request, admin, exc)
    context["ok"] = OK_MESSAGES.get(params.get("ok", ""))
    return _render(request, template, context, admin)


async def _change(
    request: Request,
    template: str,
    build: Builder,
    act: Callable[[Admin, Params], str],
) -> Response:
    """A form's change: CSRF first, then `act` (which answers where to go on success); a
    service's refusal re-renders the page from the form's values with the message."""
    admin = _signed_in(request)
    if admin is None:
        return _to_login(request)
    raw = await request.form()
    if not _csrf_ok(admin, raw):
        return _forbidden(request, admin)
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    try:
        target = await run_in_threadpool(act, admin, form)
    except ApiError as exc:
        try:
            context = await run_in_threadpool(build, admin, form)
        except ApiError:
            return _error_page(request, admin, exc)
        context["error"] = exc.message
        return _render(request, template, context, admin, status=exc.status)
    return RedirectResponse(f"{_root(request)}{target}", status_code=303)


# overview


OVERVIEW_DAYS = 30


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f} %"


def _overview(admin: Admin, params: Params) -> dict[str, Any]:
    """The report's headline numbers and charts (`api.services.report.build_report`) over the
    last `days` (30 unless asked), optionally of one lifter."""
    state = admin.state
    days = _int(params, "days", OVERVIEW_DAYS, 1, 3660)
    lifter_id = _id(params, "lifter_id")
    now = state.clock()
    query = ReportQuery(since=now - timedelta(days=days), until=now, lifter_id=lifter_id)
    found = build_report(state.db, query, now)
    spend, cache = found.spend, found.cache
    cost = "–" if spend.cost_usd is None else f"{spend.cost_usd:.4f}"
    hit_rate = "–" if cache.hit_rate is None else f"{100 * cache.hit_rate:.1f} %"
    return {
        "report": found,
        "days": days,
        "lifter_id": lifter_id or "",
        "headline": [
            ("generations", str(found.generations.total)),
            ("model calls", str(spend.model_calls)),
            ("calls vs always-llm", _pct(spend.calls_reduction_pct)),
            ("cost (USD)", cost),
            ("cost vs always-llm", _pct(spend.cost_reduction_pct)),
            ("cache hit rate", hit_rate),
            ("pending recommendations", str(found.pending.calibration_recommendations)),
        ],
        "strategy_bars": bars(sorted(found.generations.by_strategy.items())),
        "route_bars": bars(sorted(found.generations.by_route.items())),
        "rpe_bars": bars(
            (
                (q.strategy, q.mean_abs_rpe_error)
                for q in found.quality
                if q.mean_abs_rpe_error is not None
            ),
            "{:.2f}",
        ),
        "week_bars": bars(
            ((f"{w.week_start:%Y-%m-%d}", float(w.model_calls)) for w in found.weeks), "{:g}"
        ),
    }


@router.get("")
def overview_page(request: Request) -> Response:
    return _page(request, "overview.html", _overview)


# rules


def _scope(params: Params) -> tuple[RuleScope, str | None, Lift | None]:
    lifter_id = _id(params, "lifter_id")
    lift = _lift(params)
    if lifter_id is None:
        if lift is not None:
            raise InvalidRequest("a lift's rule needs a lifter: give lifter_id too")
        return GLOBAL, None, None
    if lift is None:
        return lifter_scope(lifter_id), lifter_id, None
    return lift_scope(lifter_id, lift), lifter_id, lift


def _scope_query(lifter_id: str | None, lift: Lift | None) -> dict[str, str]:
    query = {} if lifter_id is None else {"lifter_id": lifter_id}
    return query if lift is None else {**query, "lift": lift.value}


def _rules(admin: Admin, params: Params) -> dict[str, Any]:
    state = admin.state
    scope, lifter_id, lift = _scope(params)
    offset = _int(params, "offset", 0)
    newest = routing_rules.rule_versions(state, scope, 1, 0)  # 404: an unknown lifter
    current = newest.items[0] if newest.items and not newest.items[0].deleted else None
    versions = routing_rules.rule_versions(state, scope, PAGE_SIZE, offset)
    effective = routing_rules.effective(state, lifter_id, lift) if lifter_id else None
    triggers = routing_rules.active_triggers(state, lifter_id, 50, 0)
    doffset = _int(params, "doffset", 0)
    distilled = oracle.list_rules(state, None, PAGE_SIZE, doffset)
    values = current.rule.model_dump() if current and current.rule else {}
    return {
        "scope": scope,
        "lifter_id": lifter_id,
        "lift": lift,
        "lifts": [x.value for x in Lift],
        "scope_query": urlencode(_scope_query(lifter_id, lift)),
        "current": current,
        "values": values,
        "bool_fields": BOOL_FIELDS,
        "number_fields": NUMBER_FIELDS,
        "strategies": ("formula", "llm", "hybrid", "shadow"),
        "versions": versions,
        "version_pages": _pages(params, "offset", versions.total, offset),
        "effective": effective,
        "triggers": triggers,
        "distilled": distilled,
        "distilled_pages": _pages(params, "doffset", distilled.total, doffset),
        "phases": ("canary", "guarded", "general"),
    }


@router.get("/rules")
def rules_page(request: Request) -> Response:
    return _page(request, "rules.html", _rules)


def _rule_document(form: Params) -> dict[str, Any]:
    """The rule's fields from the form: an empty field is unset (it inherits)."""
    rule: dict[str, Any] = {}
    if strategy := _text(form, "strategy"):
        rule["strategy"] = strategy
    for name in BOOL_FIELDS:
        value = _choice(form, name, ("true", "false"))
        if value is not None:
            rule[name] = value == "true"
    for name in NUMBER_FIELDS:
        value = _text(form, name)
        if value is not None:
            rule[name] = value
    return rule


def _save_rule(admin: Admin, form: Params) -> str:
    scope, lifter_id, lift = _scope(form)
    try:
        body = RuleChange.model_validate({**_note(form), "rule": _rule_document(form)})
    except ValidationError as exc:
        raise _invalid(exc) from None
    routing_rules.change_rule(admin.state, scope, body)
    return "/rules?" + urlencode({**_scope_query(lifter_id, lift), "ok": "rule-saved"})


def _roll_back_rule(admin: Admin, form: Params) -> str:
    scope, lifter_id, lift = _scope(form)
    version = _int(form, "version", 0, 1, 2_000_000_000)
    try:
        body = RuleRollback.model_validate({**_note(form), "version": version})
    except ValidationError as exc:
        raise _invalid(exc) from None
    routing_rules.roll_back_rule(admin.state, scope, body)
    return "/rules?" + urlencode({**_scope_query(lifter_id, lift), "ok": "rule-rolled-back"})


@router.post("/rules")
async def save_rule(request: Request) -> Response:
    return await _change(request, "rules.html", _rules, _save_rule)


@router.post("/rules/rollback")
async def roll_back_rule(request: Request) -> Response:
    return await _change(request, "rules.html", _rules, _roll_back_rule)


@router.post("/distilled/{rule_id}/{action}")
async def change_distilled_rule(request: Request, rule_id: str, action: str) -> Response:
    def act(admin: Admin, form: Params) -> str:
        if action not in DISTILLED_ACTIONS:
            raise NotFound(f"no action {action!r} on a distilled rule")
        found = _path_id(rule_id, "distilled rule")
        try:
            if action == "activate":
                phase = _choice(form, "phase", ("canary", "guarded", "general"))
                activation = RuleActivation.model_validate({**_note(form), "phase": phase})
                oracle.activate(admin.state, found, activation)
            else:
                note = ChangeNote.model_validate(_note(form))
                move = {
                    "advance": oracle.advance,
                    "pause": oracle.pause,
                    "resume": oracle.resume,
                    "rollback": oracle.roll_back,
                }[action]
                move(admin.state, found, note)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return f"/rules?ok=distilled-{action}"

    return await _change(request, "rules.html", _rules, act)


# rollouts


def _rollouts(admin: Admin, params: Params) -> dict[str, Any]:
    state = admin.state
    offset = _int(params, "offset", 0)
    page = rollouts.listing(state, False, PAGE_SIZE, offset)
    events = {r.id: rollouts.events(state, r.id, 5, 0) for r in page.items}
    return {
        "rollouts": page,
        "events": events,
        "pages": _pages(params, "offset", page.total, offset),
    }


@router.get("/rollouts")
def rollouts_page(request: Request) -> Response:
    return _page(request, "rollouts.html", _rollouts)


@router.post("/rollouts/{rollout_id}/{action}")
async def change_rollout(request: Request, rollout_id: str, action: str) -> Response:
    def act(admin: Admin, form: Params) -> str:
        if action not in ROLLOUT_ACTIONS:
            raise NotFound(f"no action {action!r} on a rollout")
        found = _path_id(rollout_id, "rollout")
        try:
            note = ChangeNote.model_validate(_note(form))
        except ValidationError as exc:
            raise _invalid(exc) from None
        move = {
            "advance": rollouts.advance,
            "pause": rollouts.pause,
            "resume": rollouts.resume,
            "rollback": rollouts.roll_back,
            "stop": rollouts.stop,
        }[action]
        move(admin.state, found, note)
        return f"/rollouts?ok=rollout-{action}"

    return await _change(request, "rollouts.html", _rollouts, act)


# model calls and comparisons


def _record_filter(params: Params) -> audit.RecordFilter:
    date_from = _date(params, "from")
    date_to = _date(params, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest("from must not be after to")
    return audit.RecordFilter(
        lifter_id=_id(params, "lifter_id"),
        strategy=_choice(params, "strategy", CALL_STRATEGIES),
        since=None if date_from is None else datetime.combine(date_from, time(), UTC),
        before=(
            None if date_to is None else datetime.combine(date_to + timedelta(days=1), time(), UTC)
        ),
    )


def _filter_form(params: Params) -> dict[str, str]:
    return {name: params.get(name, "") for name in ("lifter_id", "strategy", "from", "to")}


def _calls(admin: Admin, params: Params) -> dict[str, Any]:
    where = _record_filter(params)
    offset = _int(params, "offset", 0)
    page = audit.list_llm_calls(admin.state, where, limit=PAGE_SIZE, offset=offset)
    return {
        "calls": page,
        "filters": _filter_form(params),
        "strategies": CALL_STRATEGIES,
        "pages": _pages(params, "offset", page.total, offset),
    }


def _comparisons(admin: Admin, params: Params) -> dict[str, Any]:
    where = _record_filter(params)
    offset = _int(params, "offset", 0)
    page = audit.list_comparisons(admin.state, where, limit=PAGE_SIZE, offset=offset)
    return {
        "comparisons": page,
        "filters": _filter_form(params),
        "strategies": CALL_STRATEGIES,
        "pages": _pages(params, "offset", page.total, offset),
    }


@router.get("/calls")
def calls_page(request: Request) -> Response:
    return _page(request, "calls.html", _calls)


@router.get("/comparisons")
def comparisons_page(request: Request) -> Response:
    return _page(request, "comparisons.html", _comparisons)


# recommendations and calibrations


def _recommendations(admin: Admin, params: Params) -> dict[str, Any]:
    state = admin.state
    offset = _int(params, "offset", 0)
    people = lifters.list_lifters(state, PAGE_SIZE, offset)
    rows = []
    for person in people.items:
        learnt = feedback.calibrations(state, person.id)
        if learnt.calibrations or learnt.pending or learnt.load_calibrations:
            rows.append((person, learnt))
    runs = oracle.list_runs(state, 1, 0)
    return {
        "rows": rows,
        "lifters": people,
        "pending": sum(len(learnt.pending) for _, learnt in rows),
        "oracle_run": runs.items[0] if runs.items else None,
        "pages": _pages(params, "offset", people.total, offset),
    }


@router.get("/recommendations")
def recommendations_page(request: Request) -> Response:
    return _page(request, "recommendations.html", _recommendations)


@router.post("/recommendations/{lifter_id}/{recommendation_id}/{decision}")
async def decide_recommendation(
    request: Request, lifter_id: str, recommendation_id: str, decision: str
) -> Response:
    def act(admin: Admin, form: Params) -> str:
        if decision not in ("accept", "dismiss"):
            raise NotFound(f"no decision {decision!r} on a recommendation")
        feedback.decide_recommendation(
            admin.state,
            _path_id(lifter_id, "lifter"),
            _path_id(recommendation_id, "recommendation"),
            accepted=decision == "accept",
        )
        return f"/recommendations?ok=recommendation-{decision}"

    return await _change(request, "recommendations.html", _recommendations, act)


# lifters and a lifter's timeline


def _lifters(admin: Admin, params: Params) -> dict[str, Any]:
    offset = _int(params, "offset", 0)
    page = lifters.list_lifters(admin.state, PAGE_SIZE, offset)
    return {"lifters": page, "pages": _pages(params, "offset", page.total, offset)}


@router.get("/lifters")
def lifters_page(request: Request) -> Response:
    return _page(request, "lifters.html", _lifters)


def _timeline(lifter_id: str) -> Builder:
    def build(admin: Admin, params: Params) -> dict[str, Any]:
        state = admin.state
        person = lifters.get_lifter(state, _path_id(lifter_id, "lifter"))
        offset = _int(params, "offset", 0)
        page = lifter_sessions.list_sessions(
            state,
            person.id,
            status=None,
            date_from=None,
            date_to=None,
            limit=PAGE_SIZE,
            offset=offset,
        )
        outcomes = feedback.list_outcomes(state, person.id, lift=None, limit=200, offset=0)
        by_session = {o.outcome.session_id: o.outcome for o in outcomes.items}
        try:
            weeks = history.volume_weeks(state, person.id).weeks
        except NotFound:
            weeks = []  # no active program
        trained = [w.week for w in weeks if any(m.sets > 0 for m in w.muscles)]
        default_week = trained[-1] if trained else (weeks[0].week if weeks else 1)
        week = _int(params, "week", default_week, 1, 10_000)
        shown = next((w for w in weeks if w.week == week), None)
        volume = (
            bands((m.muscle.value, m.sets, m.mev, m.mrv, m.status.value) for m in shown.muscles)
            if shown is not None
            else []
        )
        return {
            "lifter": person,
            "sessions": page,
            "outcomes": by_session,
            "weeks": [w.week for w in weeks],
            "week": week,
            "volume": volume,
            "pages": _pages(params, "offset", page.total, offset),
        }

    return build


@router.get("/lifters/{lifter_id}")
def lifter_page(request: Request, lifter_id: str) -> Response:
    return _page(request, "lifter.html", _timeline(lifter_id))
