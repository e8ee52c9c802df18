"""Property: any state the shell can load assembles into a valid input, or a typed error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import event, given
from hypothesis import strategies as st

from shared_types.config import VolumeLandmark
from shared_types.enums import (
    CyclePhase,
    DisruptionStatus,
    DisruptionType,
    IntensityType,
    Lift,
    MuscleGroup,
    Severity,
    Sex,
)
from shared_types.inputs import JITInput, RehabCap, TrainingDisruption
from training_engine.defaults.exercise_catalog import CATALOG
from training_engine.formulas.rounding import PLATES_KG
from training_engine.perceive import (
    AssemblyError,
    DailyCheckIn,
    JsonObject,
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    Wearables,
    WeekSession,
    WeekSet,
    assemble,
)
from training_engine.planning import LoggedSet

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
lifts = st.sampled_from(list(Lift))
rpes = st.none() | st.sampled_from([5.0, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0])
exercises = st.sampled_from([e.name for e in CATALOG[:20]] + ["My Own Press"])
kg = st.floats(0, 400, allow_nan=False).map(lambda w: float(int(w * 4)) / 4)
days = st.dates(date(2025, 10, 1), date(2026, 4, 1))


@st.composite
def logged_sets(draw: st.DrawFn) -> LoggedSet:
    return LoggedSet(
        weight_kg=draw(kg),
        reps=draw(st.integers(0, 30)),
        rpe=draw(rpes),
        pain_limited=draw(st.booleans()),
        during_rehab=draw(st.booleans()),
    )


@st.composite
def past_sessions(draw: st.DrawFn, index: int) -> PastSession:
    return PastSession(
        session_id=f"past-{index}",
        lift=draw(lifts),
        completed_at=NOW - timedelta(days=index * draw(st.integers(1, 15))),
        target_rpe=draw(rpes),
        session_rpe=draw(rpes),
        planned_weight_kg=draw(st.none() | kg),
        primary_sets=tuple(draw(st.lists(logged_sets(), max_size=5))),
        aux_sets=tuple(draw(st.lists(st.tuples(exercises, logged_sets()), max_size=4))),
        aux_prescribed_kg=draw(st.dictionaries(exercises, kg, max_size=2)),
    )


@st.composite
def disruptions(draw: st.DrawFn) -> TrainingDisruption:
    start = draw(st.none() | days)
    end = draw(st.none() | st.dates(start or date(2025, 10, 1), date(2026, 5, 1)))
    return TrainingDisruption(
        disruption_type=draw(st.sampled_from(list(DisruptionType))),
        severity=draw(st.sampled_from(list(Severity))),
        affected_lifts=draw(st.none() | st.lists(lifts, max_size=3).map(tuple)),
        affected_date_start=start.isoformat() if start else None,
        affected_date_end=end.isoformat() if end else None,
        status=draw(st.sampled_from(list(DisruptionStatus))),
    )


@st.composite
def landmark(draw: st.DrawFn) -> VolumeLandmark:
    mev = draw(st.integers(0, 20))
    return VolumeLandmark(mev=mev, mrv=draw(st.integers(max(mev, 1), 40)))


overrides: st.SearchStrategy[JsonObject] = st.sampled_from(
    [
        {},
        {"block1": {"heavy": {"sets": 3}}},
        {"rounding_increment_kg": 5},
        {"block2": {"rep": {"rpe_target": 11}}},  # invalid: an InvalidOverrides
        {"deload": {"sets": 0}},  # invalid
    ]
)


@st.composite
def lifter_states(draw: st.DrawFn) -> LifterState:
    mode = draw(st.sampled_from([None, "scheduled", "unending"]))
    plan = SessionPlan(
        session_id="today",
        week_number=draw(st.integers(1, 60)),
        day_number=draw(st.integers(1, 7)),
        block_number=draw(st.integers(1, 20)),
        lift=draw(lifts),
        intensity=draw(st.sampled_from(list(IntensityType))),
        program_mode=mode,
        days_per_week=draw(st.integers(1, 7)) if mode else None,
        session_counter=draw(st.integers(0, 400)),
    )
    profile = LifterProfile(
        sex=draw(st.none() | st.sampled_from(list(Sex))),
        date_of_birth=draw(st.none() | st.dates(date(1920, 1, 1), date(2026, 12, 31))),
        bodyweight_kg=draw(st.none() | st.floats(30, 250)),
        bar_weight_kg=draw(st.none() | st.sampled_from([10.0, 15.0, 20.0, 25.0])),
        plates_kg=draw(st.none() | st.lists(st.sampled_from(PLATES_KG), min_size=1).map(tuple)),
    )
    recent = tuple(draw(past_sessions(i + 1)) for i in range(draw(st.integers(0, 14))))
    return LifterState(
        profile=profile,
        plan=plan,
        stored_maxes=draw(st.dictionaries(lifts, st.floats(20, 700))),
        formula_overrides=draw(overrides),
        landmark_overrides=draw(st.dictionaries(st.sampled_from(list(MuscleGroup)), landmark())),
        warmup=None,
        rest_overrides=(),
        recent=recent,
        last_completed_at=draw(st.none() | st.just(NOW - timedelta(days=4))),
        week_sets=tuple(
            draw(
                st.lists(
                    st.builds(
                        WeekSet,
                        lifts,
                        st.sampled_from(["primary", "auxiliary"]),
                        exercises,
                        rpes,
                    ),
                    max_size=30,
                )
            )
        ),
        week_sessions=tuple(
            draw(
                st.lists(
                    st.builds(
                        WeekSession,
                        st.integers(1, 7),
                        lifts,
                        st.sampled_from(["planned", "generated", "completed", "skipped"]),
                    ),
                    max_size=7,
                )
            )
        ),
        disruptions=tuple(draw(st.lists(disruptions(), max_size=4))),
        rehab_caps=tuple(
            draw(st.lists(st.builds(RehabCap, lift=lifts, cap_kg=st.floats(1, 300)), max_size=3))
        ),
    )


check_ins = st.builds(
    DailyCheckIn,
    soreness=st.dictionaries(st.sampled_from(list(MuscleGroup)), st.integers(1, 10)),
    sleep_quality=st.none() | st.integers(1, 5),
    energy_level=st.none() | st.integers(1, 5),
    wearables=st.builds(Wearables, hrv_pct_change=st.none() | st.floats(-100, 500)),
    cycle_phase=st.none() | st.sampled_from(list(CyclePhase)),
)


@given(lifter_states(), check_ins)
def test_any_loaded_state_assembles_into_a_valid_input_or_a_typed_error(
    state: LifterState, checkin: DailyCheckIn
) -> None:
    try:
        assembled = assemble(state, checkin, NOW)
    except AssemblyError as exc:
        problems = exc.problems
        event(f"{type(exc).__name__}: {problems[0].location if problems else None}")
        assert problems  # it says what is wrong and where
        return
    event("assembled")
    inp = assembled.input
    assert JITInput.model_validate(inp.model_dump()) == inp
    assert inp.primary_lift is state.plan.lift
    assert inp.now == NOW
    for muscle, rating in checkin.soreness.items():
        assert inp.soreness(muscle) >= rating
    assert all(d.status is not DisruptionStatus.RESOLVED for d in inp.active_disruptions)
    assert len(inp.recent_logs) <= 6
    assert all(v >= 0 for v in inp.weekly_volume_to_date.values())
