"""History anchors (domain-reference §3.12.4, GH#221): where an accessory's load starts from
when the lifter has logged it before.

Unit tests of `compute_anchor(formula_weight_kg, history, now)` with an explicit clock, then the
history lookup through `formula_session`. The anchor's `rationale` is our own wording and is not
asserted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared_types.inputs import AuxHistoryEntry, AuxHistorySet
from shared_types.outputs import AuxiliaryWork, JITOutput
from tests.factories import make_input
from training_engine.accessories.anchor import compute_anchor
from training_engine.session import formula_session

NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)
FORMULA = 105.0  # Pause Squat at a 140 kg squat


def entry(
    *weights: float, days_ago: float = 2.0, prescribed: float | None = None, sid: str = "s"
) -> AuxHistoryEntry:
    """One completed session: its sets' weights (4 reps each), `days_ago` before NOW."""
    return AuxHistoryEntry(
        session_id=sid,
        completed_at=NOW - timedelta(days=days_ago),
        prescribed_weight_kg=prescribed,
        sets=tuple(AuxHistorySet(weight_kg=w, reps=4) for w in weights),
    )


def sessions(
    *tops: float, newest_days_ago: float = 2.0, prescribed: float | None = None
) -> tuple[AuxHistoryEntry, ...]:
    """Newest first, three days apart, one set each at the given top weight."""
    return tuple(
        entry(top, days_ago=newest_days_ago + 3 * i, prescribed=prescribed, sid=f"s{i}")
        for i, top in enumerate(tops)
    )


# --- snap: the lifter overrode the prescription twice the same way --------------------------


def test_two_consistent_overrides_above_the_prescription_snap_to_the_heavier() -> None:
    result = compute_anchor(FORMULA, sessions(100.0, 98.0, prescribed=90.0), NOW)

    assert result.source == "snap"
    assert result.anchor_kg == 100.0
    assert result.confidence == "high"
    assert result.formula_weight_kg == FORMULA


def test_two_consistent_overrides_below_the_prescription_snap_to_the_heavier() -> None:
    result = compute_anchor(FORMULA, sessions(90.0, 92.0, prescribed=100.0), NOW)

    assert result.source == "snap"
    assert result.anchor_kg == 92.0
    assert result.confidence == "high"


def test_snap_looks_only_at_the_two_newest_sessions() -> None:
    history = (*sessions(100.0, 98.0, prescribed=90.0), entry(140.0, days_ago=20, sid="old"))

    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "snap"
    assert result.anchor_kg == 100.0


def test_overrides_in_opposite_directions_do_not_snap() -> None:
    history = (
        entry(100.0, days_ago=2, prescribed=90.0, sid="up"),
        entry(95.0, days_ago=5, prescribed=105.0, sid="down"),
    )

    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "blend"


def test_overrides_more_than_five_percent_apart_do_not_snap() -> None:
    # 100 vs 94: 6% of the larger
    result = compute_anchor(FORMULA, sessions(100.0, 94.0, prescribed=90.0), NOW)

    assert result.source == "blend"


def test_deviations_within_two_percent_of_the_prescription_are_not_overrides() -> None:
    result = compute_anchor(FORMULA, sessions(101.0, 101.0, prescribed=100.0), NOW)

    assert result.source == "blend"


def test_sessions_without_a_prescribed_weight_cannot_snap() -> None:
    result = compute_anchor(FORMULA, sessions(120.0, 120.0), NOW)

    assert result.source == "blend"


def test_a_snap_is_not_decayed_by_stale_history() -> None:
    history = sessions(100.0, 100.0, newest_days_ago=100.0, prescribed=90.0)

    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "snap"
    assert result.anchor_kg == 100.0
    assert result.confidence == "high"


# --- history mean: three sessions -----------------------------------------------------------


def test_three_sessions_anchor_on_their_mean_top_set() -> None:
    result = compute_anchor(FORMULA, sessions(80.0, 90.0, 100.0), NOW)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(90.0)
    assert result.sessions_used == 3
    assert result.confidence == "medium"
    assert result.formula_weight_kg == FORMULA


def test_only_the_newest_three_sessions_count() -> None:
    result = compute_anchor(FORMULA, sessions(80.0, 90.0, 100.0, 200.0, 200.0), NOW)

    assert result.anchor_kg == pytest.approx(90.0)
    assert result.sessions_used == 3


def test_a_sessions_top_set_is_its_heaviest_set() -> None:
    history = (
        entry(70.0, 80.0, 75.0, days_ago=2, sid="a"),
        entry(80.0, 60.0, days_ago=5, sid="b"),
        entry(50.0, 80.0, days_ago=8, sid="c"),
    )

    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(80.0)


# --- blend: one or two sessions -------------------------------------------------------------


def test_one_session_moves_the_formula_a_third_of_the_way() -> None:
    result = compute_anchor(FORMULA, sessions(90.0), NOW)

    assert result.source == "blend"
    assert result.anchor_kg == pytest.approx(100.0)  # 105 + (90 - 105) x 1/3
    assert result.sessions_used == 1
    assert result.confidence == "low"


def test_two_sessions_move_the_formula_two_thirds_of_the_way() -> None:
    result = compute_anchor(FORMULA, sessions(90.0, 96.0), NOW)

    assert result.source == "blend"
    assert result.anchor_kg == pytest.approx(97.0)  # 105 + (93 - 105) x 2/3
    assert result.sessions_used == 2
    assert result.confidence == "low"


# --- stale decay ----------------------------------------------------------------------------


def test_history_up_to_fifty_six_days_old_is_not_decayed() -> None:
    result = compute_anchor(FORMULA, sessions(90.0, 90.0, 90.0, newest_days_ago=56.0), NOW)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(90.0)


def test_history_halfway_through_the_decay_window_is_pulled_halfway_back() -> None:
    # 70 days: 14 of the 28 decay days -> factor 0.5
    result = compute_anchor(FORMULA, sessions(90.0, 90.0, 90.0, newest_days_ago=70.0), NOW)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(97.5)  # 105 + (90 - 105) x 0.5
    assert result.sessions_used == 3
    assert result.confidence == "medium"


def test_a_partly_stale_blend_is_decayed_too() -> None:
    # blend 100 (one session at 90), 63 days old: factor 0.75
    result = compute_anchor(FORMULA, sessions(90.0, newest_days_ago=63.0), NOW)

    assert result.source == "blend"
    assert result.anchor_kg == pytest.approx(101.25)  # 105 + (100 - 105) x 0.75
    assert result.sessions_used == 1


def test_decay_is_measured_from_the_newest_session() -> None:
    history = (entry(90.0, days_ago=10, sid="a"), *sessions(90.0, 90.0, newest_days_ago=200.0))

    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(90.0)


@pytest.mark.parametrize("days", [84.0, 90.0, 365.0])
def test_fully_stale_history_falls_back_to_the_formula(days: float) -> None:
    result = compute_anchor(FORMULA, sessions(90.0, 90.0, 90.0, newest_days_ago=days), NOW)

    assert result.source == "formula"
    assert result.anchor_kg == pytest.approx(FORMULA)
    assert result.sessions_used == 0
    assert result.confidence == "exploring"


# --- no usable weights and confidence -------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        pytest.param(sessions(0.0, 0.0), id="zero-weights"),
        pytest.param(sessions(0.0, 0.0, 0.0), id="three-zero-sessions"),
        pytest.param(
            (AuxHistoryEntry(session_id="empty", completed_at=NOW - timedelta(days=1), sets=()),),
            id="no-sets",
        ),
    ],
)
def test_sessions_without_usable_weights_keep_the_formula(
    history: tuple[AuxHistoryEntry, ...],
) -> None:
    result = compute_anchor(FORMULA, history, NOW)

    assert result.source == "formula"
    assert result.anchor_kg == FORMULA
    assert result.formula_weight_kg == FORMULA


def test_no_history_is_a_cold_start_at_the_formula() -> None:
    result = compute_anchor(FORMULA, (), NOW)

    assert result.source == "formula"
    assert result.anchor_kg == FORMULA
    assert result.sessions_used == 0
    assert result.confidence == "exploring"


@pytest.mark.parametrize(
    ("history", "confidence"),
    [
        pytest.param(sessions(100.0, 100.0, newest_days_ago=90.0), "exploring", id="stale"),
        pytest.param(sessions(90.0), "low", id="one"),
        pytest.param(sessions(90.0, 95.0), "low", id="two"),
        pytest.param(sessions(90.0, 95.0, 100.0), "medium", id="three"),
        pytest.param(sessions(90.0, 95.0, 100.0, 100.0, 100.0, 100.0), "medium", id="six-window"),
        pytest.param(sessions(110.0, 110.0, prescribed=100.0), "high", id="snap"),
    ],
)
def test_confidence_grows_with_the_sessions_used(
    history: tuple[AuxHistoryEntry, ...], confidence: str
) -> None:
    assert compute_anchor(FORMULA, history, NOW).confidence == confidence


def test_without_a_clock_history_is_treated_as_fresh() -> None:
    result = compute_anchor(FORMULA, sessions(90.0, 90.0, 90.0, newest_days_ago=400.0), None)

    assert result.source == "history"
    assert result.anchor_kg == pytest.approx(90.0)


# --- history lookup through the session -----------------------------------------------------


def pause_squat(out: JITOutput, exercise: str = "Pause Squat") -> AuxiliaryWork:
    (row,) = [row for row in out.auxiliary_work if row.exercise == exercise]
    return row


@pytest.mark.parametrize("key", ["pause-squat", "Pause Squat"], ids=["slug", "display-name"])
def test_history_is_found_by_catalog_slug_or_display_name(key: str) -> None:
    out = formula_session(make_input(aux_history={key: sessions(95.0, 95.0, 95.0)}, now=NOW))

    row = pause_squat(out)
    assert row.anchor is not None
    assert row.anchor.source == "history"
    assert row.anchor.anchor_base_kg == pytest.approx(95.0)
    assert row.anchor.sessions_used == 3
    assert row.anchor.confidence == "medium"
    assert row.anchor.formula_weight_kg == pytest.approx(FORMULA)


def test_a_custom_exercise_is_found_by_its_slugified_name() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=("Sled Push (Heavy)", "Pause Squat"),
            aux_history={"sled-push-heavy": sessions(120.0, 120.0, 120.0)},
            now=NOW,
        )
    )

    row = pause_squat(out, "Sled Push (Heavy)")
    assert row.anchor is not None
    assert row.anchor.source == "history"
    assert {s.weight_kg for s in row.sets} == {120.0}
    assert pause_squat(out).anchor is None


@pytest.mark.parametrize(
    "aux_history",
    [
        pytest.param(None, id="none"),
        pytest.param({}, id="empty"),
        pytest.param({"barbell-box-squat": sessions(80.0)}, id="other-exercise"),
    ],
)
def test_without_history_the_formula_path_is_unchanged(aux_history: object) -> None:
    out = formula_session(make_input(aux_history=aux_history, now=NOW))

    row = pause_squat(out)
    assert row.anchor is None
    assert {s.weight_kg for s in row.sets} == {90.0}


def test_the_sessions_clock_decays_history_through_the_session() -> None:
    fresh = formula_session(make_input(aux_history={"pause-squat": sessions(95.0)}, now=NOW))
    stale = formula_session(
        make_input(aux_history={"pause-squat": sessions(95.0)}, now=NOW + timedelta(days=100))
    )

    fresh_anchor = pause_squat(fresh).anchor
    stale_anchor = pause_squat(stale).anchor
    assert fresh_anchor is not None
    assert fresh_anchor.source == "blend"
    assert stale_anchor is not None
    assert stale_anchor.source == "formula"
    assert stale_anchor.sessions_used == 0
    assert {s.weight_kg for s in pause_squat(stale).sets} == {90.0}
