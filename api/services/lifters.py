"""Lifters, their tokens and their maxes (the configs are `services.config`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from api.auth import hash_token, new_token
from api.errors import ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import lifter_out, max_out
from api.persistence.repositories import config, lifters, tokens
from api.persistence.repositories.idempotency import KeyedResponse
from api.persistence.repositories.rows import save
from api.persistence.tables import ApiTokenRow, LifterRow, LifterSettingsRow, MaxRow
from api.persistence.units import grams
from api.schemas import (
    LifterCreate,
    LifterCreated,
    LifterList,
    LifterOut,
    LifterPatch,
    MaxesOut,
    MaxIn,
    MaxOut,
)
from api.services.clock import local_today
from api.services.floors import at_least_the_bar
from api.services.idempotency import ADMIN_SCOPE, Answer, Keyed, create_once
from api.services.tokens import DEFAULT_DEVICE, issue_token
from api.state import AppState
from shared_types.enums import Lift
from training_engine.planning import epley_kg

__all__ = [
    "create_lifter",
    "get_lifter",
    "get_maxes",
    "get_me",
    "list_lifters",
    "patch_me",
    "put_max",
    "rotate_token",
]


def _issue_token(
    session: Unit, lifter_id: str, now: datetime, device: str = DEFAULT_DEVICE
) -> tuple[str, list[str]]:
    """A new token for the lifter's device (the caller has locked the lifter's row), that
    device's earlier ones revoked (the other devices keep theirs): the new token, and the
    revoked hashes (to forget cached lookups)."""
    revoked = tokens.revoke_device(session, lifter_id, device, now)
    _row, token = issue_token(session, lifter_id, now, device, None)
    return token, revoked


def _born_in_the_past(born: date | None, today: date) -> None:
    if born is not None and born > today:
        raise InvalidRequest(
            "the date of birth is in the future",
            [ErrorDetail(path="body.date_of_birth", message=f"must not be after {today}")],
        )


def create_lifter(state: AppState, body: LifterCreate, key: str | None = None) -> Answer:
    """A new lifter with its token. A repeated Idempotency-Key answers the same lifter with a
    new token (every earlier one revoked): only a token's hash is ever stored, so the first
    response is kept without its token (ADR 0009)."""
    now = state.clock()
    _born_in_the_past(body.date_of_birth, local_today(body.timezone, now))

    def create(session: Unit) -> tuple[LifterCreated, str]:
        token = new_token()
        lifter = LifterRow(
            id=str(uuid.uuid4()),
            name=body.name,
            biological_sex=body.biological_sex.value if body.biological_sex else None,
            date_of_birth=body.date_of_birth,
            bodyweight_grams=grams(body.bodyweight_kg) if body.bodyweight_kg else None,
            bar_weight_grams=grams(body.bar_weight_kg) if body.bar_weight_kg else None,
            plates_grams=sorted({grams(p) for p in body.available_plates_kg}, reverse=True)
            if body.available_plates_kg
            else None,
            timezone=body.timezone,
            created_at=now,
            updated_at=now,
        )
        save(session, lifter)
        save(
            session,
            LifterSettingsRow(
                lifter_id=lifter.id, jit_strategy="auto", formula_overrides={}, updated_at=now
            ),
            ApiTokenRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter.id,
                token_hash=hash_token(token),
                created_at=now,
            ),
        )
        return LifterCreated(lifter=lifter_out(lifter), token=token), lifter.id

    def without_token(text: str) -> str:
        return (
            LifterCreated.model_validate_json(text)
            .model_copy(update={"token": ""})
            .model_dump_json()
        )

    def replay(session: Unit, earlier: KeyedResponse) -> str:
        created = LifterCreated.model_validate_json(earlier.response_json)
        lifters.lock_lifter(session, created.lifter.id)
        token, revoked = _issue_token(session, created.lifter.id, now)
        state.tokens.forget(revoked)
        return created.model_copy(update={"token": token}).model_dump_json()

    return create_once(
        state,
        Keyed(ADMIN_SCOPE, "lifters", key),
        body,
        create,
        stored_text=without_token,
        replay=replay,
    )


def rotate_token(state: AppState, lifter_id: str, device: str = DEFAULT_DEVICE) -> LifterCreated:
    """A new token for the lifter's device (`default` unless named); that device's earlier
    tokens stop working, its other devices keep theirs. The lifter's row lock makes concurrent
    rotations take turns, so exactly one token of the device stays valid (ADR 0009)."""
    now = state.clock()
    with state.db.write() as session:
        lifter = lifters.lock_lifter(session, lifter_id)
        token, revoked = _issue_token(session, lifter_id, now, device)
    state.tokens.forget(revoked)
    return LifterCreated(lifter=lifter_out(lifter), token=token)


def list_lifters(state: AppState, limit: int, offset: int) -> LifterList:
    with state.db.read() as session:
        total, rows = lifters.lifter_page(session, limit, offset)
        return LifterList(
            items=[lifter_out(r) for r in rows], total=total, limit=limit, offset=offset
        )


def get_lifter(state: AppState, lifter_id: str) -> LifterOut:
    with state.db.read() as session:
        return lifter_out(lifters.lifter(session, lifter_id))


get_me = get_lifter


def patch_me(state: AppState, lifter_id: str, body: LifterPatch) -> LifterOut:
    sent = body.model_fields_set
    now = state.clock()
    with state.db.write() as session:
        row = lifters.lifter(session, lifter_id)
        if "timezone" in sent and body.timezone is not None:
            row.timezone = body.timezone
        _born_in_the_past(body.date_of_birth, local_today(row, now))
        if "name" in sent and body.name is not None:
            row.name = body.name
        if "biological_sex" in sent:
            row.biological_sex = body.biological_sex.value if body.biological_sex else None
        if "date_of_birth" in sent:
            row.date_of_birth = body.date_of_birth
        if "bodyweight_kg" in sent:
            row.bodyweight_grams = grams(body.bodyweight_kg) if body.bodyweight_kg else None
        row.updated_at = state.clock()
        save(session, row)
        return lifter_out(row)


def get_maxes(state: AppState, lifter_id: str) -> MaxesOut:
    with state.db.read() as session:
        current = lifters.current_maxes(session, lifter_id)
        history = lifters.max_history(session, lifter_id)
        return MaxesOut(
            current={lift: max_out(row) for lift, row in current.items()},
            history=[max_out(r) for r in history],
        )


def put_max(state: AppState, lifter_id: str, lift: Lift, body: MaxIn) -> MaxOut:
    """Appends a max; sending the current value again appends nothing (PUT is idempotent)."""
    if body.one_rm_kg is not None:
        one_rm, source, weight, reps = body.one_rm_kg, "input_1rm", None, None
    else:
        assert body.weight_kg is not None
        assert body.reps is not None
        estimate = epley_kg(body.weight_kg, body.reps)
        assert estimate is not None
        one_rm, weight, reps = estimate, body.weight_kg, body.reps
        source = "input_1rm" if body.reps == 1 else f"input_{body.reps}rm"
    with state.db.write() as session:
        field = "one_rm_kg" if body.one_rm_kg is not None else "weight_kg"
        at_least_the_bar(session, lifter_id, one_rm, f"body.{field}", f"a 1RM of {one_rm:g} kg")
        current = lifters.current_maxes(session, lifter_id).get(lift)
        row = MaxRow(
            lifter_id=lifter_id,
            lift=lift.value,
            one_rm_grams=grams(one_rm),
            source=source,
            input_weight_grams=grams(weight) if weight is not None else None,
            input_reps=reps,
            recorded_at=state.clock(),
        )
        if current is not None and (
            current.one_rm_grams,
            current.source,
            current.input_weight_grams,
            current.input_reps,
        ) == (row.one_rm_grams, row.source, row.input_weight_grams, row.input_reps):
            return max_out(current)
        save(session, row)
        config.bump_config_version(session, lifter_id)
        return max_out(row)
