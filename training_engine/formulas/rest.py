"""Rest between sets (domain-reference §3.15)."""

from __future__ import annotations

from functools import lru_cache

from shared_types.base import trusted
from shared_types.enums import IntensityType
from shared_types.inputs import JITInput, RestOverride
from shared_types.trace import MainRestTrace, RestTrace

__all__ = ["aux_rest_seconds", "main_rest", "rest_trace"]


def _override(inp: JITInput) -> RestOverride | None:
    """The most specific matching override: lift+intensity, intensity, lift, then catch-all."""
    overrides = inp.user_rest_overrides
    if not overrides:
        return None
    tiers = (
        (inp.primary_lift, inp.intensity_type),
        (None, inp.intensity_type),
        (inp.primary_lift, None),
        (None, None),
    )
    for lift, intensity in tiers:
        found = next(
            (o for o in overrides if o.lift is lift and o.intensity_type is intensity), None
        )
        if found is not None:
            return found
    return None


def _main_seconds(inp: JITInput, cycled_block: int) -> tuple[int, int | None]:
    """(the formula's main rest, the lifter's override or None)."""
    rest = inp.formula_config.rest_seconds
    if inp.intensity_type is IntensityType.DELOAD:
        base = rest.deload
    else:
        base = getattr(inp.formula_config.rest_block(cycled_block), inp.intensity_type)
    override = _override(inp)
    return base, override.rest_seconds if override is not None else None


def main_rest(inp: JITInput, cycled_block: int) -> MainRestTrace:
    return _main_rest(*_main_seconds(inp, cycled_block))


def rest_trace(inp: JITInput, cycled_block: int) -> RestTrace:
    """The session's rest trace: the main lift's rest and the accessories' seconds."""
    base, user = _main_seconds(inp, cycled_block)
    return _rest_trace(base, user, inp.formula_config.rest_seconds.auxiliary)


@lru_cache(maxsize=1024, typed=True)
def _rest_trace(base: int, user: int | None, auxiliary_seconds: int) -> RestTrace:
    """Memoised on the three numbers (the trace is frozen)."""
    return trusted(RestTrace, main_lift=_main_rest(base, user), auxiliary_seconds=auxiliary_seconds)


@lru_cache(maxsize=1024, typed=True)
def _main_rest(base: int, user: int | None) -> MainRestTrace:
    """Memoised (the trace is frozen): a handful of rest values recur."""
    return trusted(
        MainRestTrace,
        formula_base_seconds=base,
        user_override_seconds=user,
        llm_delta_seconds=None,
        final_seconds=user if user is not None else base,
    )


def aux_rest_seconds(inp: JITInput) -> int:
    return inp.formula_config.rest_seconds.auxiliary
