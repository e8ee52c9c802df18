"""A deterministic SIMULATED coach model for `llm`, `hybrid` and `auto` in the simulator.

It stands where a language model would (`training_engine.ports.AdjustmentSource`) and answers
every request with a bounded `JITAdjustment` derived from the input alone: a mild extra cut on
poor sleep or low energy (x0.975 each), a larger one on high primary-muscle soreness (x0.95 at
7 or more) and one set fewer when sleep and energy are both poor. Its call records name the
provider `simulated` and the model `simulated-coach-1`, so no stored record can be mistaken for
a real model's.

The records report SIMULATED token counts (`simulated_tokens`: the prompt's characters / 4 in,
a fixed 60 out, `usage_known=True`), so the bandit's reward (docs/domain/bandit.md, "Reward")
sees what a model call costs; they are counts of nothing real, labelled by the provider.
"""

from __future__ import annotations

from shared_types.adjustment import JITAdjustment
from shared_types.inputs import JITInput
from shared_types.llm import LlmCallRecord
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.ports import AdjustmentRequest, SourcedAdjustment

__all__ = [
    "CHARS_PER_TOKEN",
    "SIMULATED_MODEL",
    "SIMULATED_OUTPUT_TOKENS",
    "SIMULATED_PROVIDER",
    "SimulatedCoach",
    "simulated_adjustment",
    "simulated_tokens",
]

SIMULATED_PROVIDER = "simulated"
SIMULATED_MODEL = "simulated-coach-1"
POOR = 2  # sleep or energy at or below this is poor
SORE = 7  # primary soreness at or above this is high
# Simulated usage: about 4 characters per token (the usual rule of thumb for English text and
# JSON with OpenAI's and Anthropic's tokenisers), and a fixed answer size (a compact
# `JITAdjustment` with one or two rationale lines is about 60 tokens).
CHARS_PER_TOKEN = 4
SIMULATED_OUTPUT_TOKENS = 60


def simulated_tokens(prompt_chars: int) -> tuple[int, int]:
    """(input, output) tokens a call with a prompt of `prompt_chars` characters is said to use:
    the characters / `CHARS_PER_TOKEN`, rounded up, and `SIMULATED_OUTPUT_TOKENS`."""
    return -(-prompt_chars // CHARS_PER_TOKEN), SIMULATED_OUTPUT_TOKENS


def simulated_adjustment(inp: JITInput) -> JITAdjustment:
    """The coach's answer for one input (pure, deterministic)."""
    intensity, sets, reasons = 1.0, 0, []
    poor_sleep = inp.sleep_quality is not None and inp.sleep_quality <= POOR
    low_energy = inp.energy_level is not None and inp.energy_level <= POOR
    if poor_sleep:
        intensity *= 0.975
        reasons.append("Simulated coach: poor sleep, load down a little more")
    if low_energy:
        intensity *= 0.975
        reasons.append("Simulated coach: low energy, load down a little more")
    if poor_sleep and low_energy:
        sets = -1
    worst = max(inp.soreness(m) for m in PRIMARY_MUSCLES[inp.primary_lift])
    if worst >= SORE:
        intensity *= 0.95
        reasons.append("Simulated coach: high soreness, load down 5%")
    return JITAdjustment(
        intensity_modifier=intensity,
        set_modifier=sets,
        skip_main_lift=False,
        aux_overrides=(),
        rationale=tuple(reasons) or ("Simulated coach: no change",),
        confidence="medium",
        rest_adjustments=None,
    )


class SimulatedCoach:
    """`AdjustmentSource` over `simulated_adjustment`, with a record labelled simulated and
    simulated token counts."""

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        adjustment = simulated_adjustment(request.inp)
        input_tokens, output_tokens = simulated_tokens(request.prompt.chars)
        record = LlmCallRecord(
            provider=SIMULATED_PROVIDER,
            model=request.model or SIMULATED_MODEL,
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=1,
            latency_ms=0.0,
            deadline_s=0.0,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            usage_known=True,
            cost_usd=None,
            cache_hit=False,
            cache_key=None,
            breaker_state="closed",
            fallback_reason=None,
            adjustment=adjustment,
        )
        return SourcedAdjustment(adjustment, record)
