"""The `llm` strategy: a model's bounded adjustment of the formula base, then the one
constraint pass. Any failure serves the formula session labelled `formula_fallback` with the
reason; nothing is ever raised to the caller (domain-reference §5).

The formula runs once per generation: `run` computes the formula pass and `adjust` takes it (the
prompt's base, the candidate's base, the constraint pass's context, the served trace and every
fallback), so `hybrid` and `auto` hand in the pass they already have.

The deadline is the shell's: its `AdjustmentSource` enforces it around the model call, so the
core never reads a clock.
"""

from __future__ import annotations

from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.outputs import JITOutput
from shared_types.routing import ModelVariant
from training_engine.adjustment import adjusted_session
from training_engine.ports import AdjustmentRequest, AdjustmentSource, AdjustmentUnavailable
from training_engine.prompt import build_prompt
from training_engine.served import labelled
from training_engine.session import FormulaRun, formula_run

__all__ = ["LlmStrategy", "fallback_session"]

_CONFIGURED = ModelVariant()


def fallback_session(formula: FormulaRun, reason: FallbackReason) -> JITOutput:
    """The formula session (and its trace), labelled as a fallback with its reason."""
    return labelled(formula.output, StrategyUsed.FORMULA_FALLBACK, reason)


class LlmStrategy:
    def __init__(self, source: AdjustmentSource) -> None:
        self._source = source

    @property
    def name(self) -> str:
        return "llm"

    async def run(self, inp: JITInput) -> GenerationResult:
        return await self.adjust(formula_run(inp))

    async def adjust(
        self, formula: FormulaRun, variant: ModelVariant | None = None
    ) -> GenerationResult:
        """The model's adjustment of the formula pass `formula`, or its labelled fallback;
        `variant`: the prompt version and model to ask (None: the configured ones)."""
        variant = variant or _CONFIGURED
        request = AdjustmentRequest(
            inp=formula.inp,
            prompt=build_prompt(formula, variant.prompt_version),
            model=variant.model,
        )
        try:
            answer = await self._source.adjustment(request)
        except AdjustmentUnavailable as exc:
            return GenerationResult(output=fallback_session(formula, exc.reason), call=exc.record)
        except Exception:  # a source that broke its contract still gets a session
            return GenerationResult(output=fallback_session(formula, FallbackReason.PROVIDER_ERROR))
        try:
            output = adjusted_session(formula, answer.adjustment)
        except (ArithmeticError, ValueError, TypeError, AttributeError):
            # an adjustment our bounds did not foresee (e.g. a replayed, unvalidated row)
            record = answer.record
            if record is not None:
                record = record.model_copy(
                    update={"fallback_reason": FallbackReason.INVALID_RESPONSE}
                )
            return GenerationResult(
                output=fallback_session(formula, FallbackReason.INVALID_RESPONSE), call=record
            )
        return GenerationResult(output=output, call=answer.record)
