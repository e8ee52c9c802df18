"""The confidence gate: when the formula is already confident, `auto` serves it without asking
the model (issue 11, "A confidence gate").

The formula is confident when none of the signals it handles with a judgement call is present:
no active disruption, the day's primary muscles at most mildly sore, sleep and energy neutral or
better, no RPE drift, no wearable warning, not a deload. Each signal is read with the pipeline's
own rule and thresholds (imported, never restated), and each can be switched off in
`GateConfig`. A failing gate names every failing condition; a passing one says why it passed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared_types.base import Frozen
from shared_types.enums import DisruptionStatus
from shared_types.inputs import JITInput
from shared_types.routing import GateDecision
from training_engine.pipeline.state import SessionContext, initial_state, new_context
from training_engine.pipeline.steps.readiness import wearable_readiness
from training_engine.pipeline.steps.rpe_history import OVER_THRESHOLD, UNDER_THRESHOLD
from training_engine.pipeline.steps.soreness import MODERATE_FROM, soreness

__all__ = ["GateConfig", "confidence_gate", "in_recovery_mode"]

CONFIDENT = "formula is confident: "
NOT_CONFIDENT = "formula is not confident: "


class GateConfig(Frozen):
    """Which conditions the gate checks, and their thresholds (docs/domain/routing.md)."""

    enabled: bool = True
    check_disruption: bool = True
    # "any": every active disruption counts (equipment changes the accessories on any lift);
    # "lift": only the ones that affect today's lift.
    disruption_scope: Literal["any", "lift"] = "any"
    check_soreness: bool = True
    # The highest primary soreness the formula handles without changing the session.
    max_primary_soreness: Annotated[int, Field(ge=1, le=10)] = MODERATE_FROM - 1
    check_readiness: bool = True
    # The readiness step's "poor" is <= 2; 3 is its neutral (and what an unknown value means).
    min_sleep: Annotated[int, Field(ge=1, le=5)] = 3
    min_energy: Annotated[int, Field(ge=1, le=5)] = 3
    check_rpe_drift: bool = True
    # The RPE-history step's thresholds on its mean (actual - target) over the last two logs.
    rpe_over_from: float = OVER_THRESHOLD
    rpe_under_from: float = UNDER_THRESHOLD
    check_wearables: bool = True
    check_deload: bool = True


def confidence_gate(inp: JITInput, config: GateConfig) -> GateDecision:
    """Confident when every enabled condition passes; otherwise each failing one is named."""
    if not config.enabled:
        return GateDecision(confident=False, reasons=("gate switched off",))
    ctx = new_context(inp)
    checks = (
        _disruption(inp, config) if config.check_disruption else None,
        _soreness(ctx, config) if config.check_soreness else None,
        _readiness(inp, config) if config.check_readiness else None,
        _rpe_drift(ctx, config) if config.check_rpe_drift else None,
        _wearables(inp) if config.check_wearables else None,
        _deload(ctx) if config.check_deload else None,
    )
    done = tuple(check for check in checks if check is not None)
    failing = tuple(reason for passed, reason in done if not passed)
    if failing:
        return GateDecision(confident=False, reasons=tuple(NOT_CONFIDENT + r for r in failing))
    passing = "; ".join(reason for _, reason in done) or "no condition checked"
    return GateDecision(confident=True, reasons=(CONFIDENT + passing,))


def in_recovery_mode(inp: JITInput) -> bool:
    """Whether the formula serves a recovery session today: the soreness step's own decision
    (it is the only step that sets recovery mode, and it reads nothing an earlier step changes)."""
    ctx = new_context(inp)
    return soreness(ctx, initial_state(ctx)).recovery_mode


Check = tuple[bool, str]


def _disruption(inp: JITInput, config: GateConfig) -> Check:
    active = [d for d in inp.active_disruptions if d.status is not DisruptionStatus.RESOLVED]
    if config.disruption_scope == "lift":
        active = [d for d in active if d.affects(inp.primary_lift)]
    if not active:
        return True, "no active disruption"
    kinds = ", ".join(f"{d.disruption_type.value} ({d.severity.value})" for d in active)
    return False, f"active disruption: {kinds}"


def _soreness(ctx: SessionContext, config: GateConfig) -> Check:
    worst = ctx.worst_soreness
    if worst <= config.max_primary_soreness:
        return True, f"primary soreness {worst}/10"
    return False, f"primary soreness {worst}/10 above {config.max_primary_soreness}"


def _readiness(inp: JITInput, config: GateConfig) -> Check:
    low = [
        f"{name} {value}/5"
        for name, value, floor in (
            ("sleep", inp.sleep_quality, config.min_sleep),
            ("energy", inp.energy_level, config.min_energy),
        )
        if value is not None and value < floor
    ]
    if low:
        return False, "below neutral: " + ", ".join(low)
    return True, "sleep and energy neutral or better"


def _rpe_drift(ctx: SessionContext, config: GateConfig) -> Check:
    deviation = ctx.recent_rpe_deviation()
    if deviation is None:
        return True, "too few RPE logs to drift"
    if deviation >= config.rpe_over_from or deviation <= config.rpe_under_from:
        return False, f"RPE drift {deviation:+.2f} over the last two sessions"
    return True, f"no RPE drift ({deviation:+.2f})"


def _wearables(inp: JITInput) -> Check:
    signal = wearable_readiness(inp)
    if signal.set_cut > 0 or signal.multiplier < 1.0:
        return False, signal.reason
    return True, "no wearable warning"


def _deload(ctx: SessionContext) -> Check:
    if ctx.is_deload:
        return False, "a deload"
    return True, "not a deload"
