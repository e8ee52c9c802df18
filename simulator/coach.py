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

`simulated-coach-1` (`simulated_adjustment`, the default) is applied by the LLM path to the
formula's BASE weight, so its answer replaces the formula's whole modifier stack (readiness,
soreness, RPE history, cycle phase): docs/measurements/learning-to-route.md, "What the coach
really does".

`simulated-coach-2` (`simulated_adjustment_v2`, `--coach v2`) is built so that the model helps
in some contexts and hurts in others, each for a stated reason:

* It starts from the formula's own answer: the core's main-lift pipeline (`run_main_lift`) over
  the same input gives the modifier product and the planned set count, so on a day where no
  rule below applies (a neutral day) its answer is exactly the formula's modifiers and the
  served session is the formula's (the oracle can distil that: modifier offsets per context).
* It reads signals better (helps): where the readiness or soreness step CUT the load (a default
  multiplier `d` < 1), it cuts to `d ** V2_SIGNAL_GAIN` instead. The simulator's `differs`
  lifters respond to a source with `d ** gain`, the gain drawn in `DIFFERS_GAIN_RANGE`
  (1.5-3.0, mean 2.25), so the formula's `d` under-cuts them and 2.0 is closer to their truth.
* It is cautious on good days (hurts): where the readiness step RAISED the load (good sleep
  and high energy, `d` > 1), it drops the raise and cuts `V2_CAUTION` more (a model that
  distrusts a "feeling great" report). Those lifters' truth is a larger raise (`d ** gain`), so
  the coach's session is too light.

Pure on its input (the pipeline is pure); deterministic. The multipliers are read from the
trace's defaults (`ModifierTrace.multiplier`); with calibration learning on, the formula's
applied product may differ from the defaults' and the coach scales the applied product by
`d ** (gain - 1)`, i.e. it reads further than whatever the formula applied.
"""

from __future__ import annotations

from typing import Literal

from shared_types.adjustment import JITAdjustment
from shared_types.inputs import JITInput
from shared_types.llm import LlmCallRecord
from training_engine.adjustment import bounded_intensity, bounded_set_modifier
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.pipeline.run import run_main_lift
from training_engine.pipeline.steps.final_sets import RECOVERY_PCT_OF_BASE, RECOVERY_SETS
from training_engine.ports import AdjustmentRequest, SourcedAdjustment

__all__ = [
    "CHARS_PER_TOKEN",
    "COACHES",
    "SIMULATED_MODEL",
    "SIMULATED_MODEL_V2",
    "SIMULATED_OUTPUT_TOKENS",
    "SIMULATED_PROVIDER",
    "V2_CAUTION",
    "V2_SIGNAL_GAIN",
    "Coach",
    "SimulatedCoach",
    "simulated_adjustment",
    "simulated_adjustment_v2",
    "simulated_tokens",
]

Coach = Literal["v1", "v2"]
COACHES: tuple[Coach, ...] = ("v1", "v2")

SIMULATED_PROVIDER = "simulated"
SIMULATED_MODEL = "simulated-coach-1"
SIMULATED_MODEL_V2 = "simulated-coach-2"
# v2: how much further than the engine's defaults it reads a readiness or soreness cut (`d ** 2`
# for a default `d`). Inside the `differs` lifters' gain range (1.5-3.0), below its mean 2.25,
# so it is closer to their truth than the default (gain 1) without assuming the mean lifter.
V2_SIGNAL_GAIN = 2.0
# v2: the cautious cut on a day the readiness step raised the load (the raise dropped, then 5 %
# off): as large as the formula's largest subjective readiness cut (poor sleep and low energy).
V2_CAUTION = 0.95
_READINESS = frozenset({"readiness", "wearable-readiness"})
_READ_BETTER = _READINESS | {"soreness"}
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


def simulated_adjustment_v2(inp: JITInput) -> JITAdjustment:
    """`simulated-coach-2`'s answer (pure, deterministic; the module docstring says why):
    the formula's own modifier product and set count, a readiness or soreness cut read
    `V2_SIGNAL_GAIN` times as strongly (in log), a readiness raise replaced by `V2_CAUTION`."""
    ctx, state = run_main_lift(inp)
    if state.skipped:
        return JITAdjustment(
            intensity_modifier=1.0,
            set_modifier=0,
            skip_main_lift=True,
            aux_overrides=(),
            rationale=("Simulated coach 2: no main lift today, as the formula",),
            confidence="medium",
            rest_adjustments=None,
        )
    if state.recovery_mode:
        # The formula's recovery session (3 x 5 at 40 % of the base): its load and set count
        # (the base's reps stay: an adjustment cannot set reps).
        return JITAdjustment(
            intensity_modifier=RECOVERY_PCT_OF_BASE,
            set_modifier=bounded_set_modifier(RECOVERY_SETS - ctx.base.count),
            skip_main_lift=False,
            aux_overrides=(),
            rationale=("Simulated coach 2: a recovery session, as the formula",),
            confidence="medium",
            rest_adjustments=None,
        )
    intensity = state.intensity_multiplier
    reasons: list[str] = []
    for modifier in state.modifiers:
        default = modifier.multiplier
        if modifier.source in _READ_BETTER and default < 1.0:
            intensity *= default ** (V2_SIGNAL_GAIN - 1.0)
            reasons.append(f"Simulated coach 2: {modifier.source} cut read more strongly")
        elif modifier.source in _READINESS and default > 1.0:
            intensity *= V2_CAUTION / default
            reasons.append("Simulated coach 2: good day, cautious: no raise, load down 5%")
    return JITAdjustment(
        intensity_modifier=bounded_intensity(intensity),
        set_modifier=bounded_set_modifier(state.planned_count - ctx.base.count),
        skip_main_lift=False,
        aux_overrides=(),
        rationale=tuple(reasons) or ("Simulated coach 2: the formula's modifiers",),
        confidence="medium",
        rest_adjustments=None,
    )


_ANSWERS = {"v1": simulated_adjustment, "v2": simulated_adjustment_v2}
_MODELS = {"v1": SIMULATED_MODEL, "v2": SIMULATED_MODEL_V2}


class SimulatedCoach:
    """`AdjustmentSource` over `simulated_adjustment` (`coach="v1"`, the default) or
    `simulated_adjustment_v2` (`"v2"`), with a record labelled simulated (model
    `simulated-coach-1` / `-2`) and simulated token counts."""

    def __init__(self, coach: Coach = "v1") -> None:
        self.coach = coach

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        adjustment = _ANSWERS[self.coach](request.inp)
        input_tokens, output_tokens = simulated_tokens(request.prompt.chars)
        record = LlmCallRecord(
            provider=SIMULATED_PROVIDER,
            model=request.model or _MODELS[self.coach],
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
