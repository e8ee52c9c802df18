"""What a served output says about itself: its strategy label and its trace (domain-reference §2.1).

Every served output carries a `PrescriptionTrace`, and the trace is always a **formula pass**, as
parakeet's is: for an LLM-served output it is the formula's trace for the same input, with
`strategy`, `rationale` and `warnings` set to the served output's and the model's rest delta
recorded in the rest derivation (`formula_traced`). The weight derivation and per-set entries
therefore explain the formula's prescription the model adjusted, not the model's numbers; the
served numbers are in the output itself.

Every relabelling (a fallback, hybrid's shadow, the shell's safety net) goes through `labelled`,
so the trace's `strategy` never disagrees with the output's `jit_strategy`.
"""

from __future__ import annotations

from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.outputs import JITOutput
from training_engine.session import FormulaRun

__all__ = ["formula_traced", "labelled"]


def labelled(
    output: JITOutput, strategy: StrategyUsed, reason: FallbackReason | None = None
) -> JITOutput:
    """`output` served as `strategy` (with the fallback reason), its trace saying the same."""
    update: dict[str, object] = {"jit_strategy": strategy, "fallback_reason": reason}
    if output.trace is not None:
        update["trace"] = output.trace.model_copy(update={"strategy": strategy.value})
    return output.model_copy(update=update)


def formula_traced(base: FormulaRun, output: JITOutput) -> JITOutput:
    """`output` with the trace of the formula pass `base`, labelled as `output` is served."""
    trace = base.trace
    suggestion = output.llm_rest_suggestion
    rest = trace.rest.model_copy(
        update={
            "main_lift": trace.rest.main_lift.model_copy(
                update={"llm_delta_seconds": suggestion.delta_seconds if suggestion else None}
            )
        }
    )
    strategy = output.jit_strategy or StrategyUsed.FORMULA
    return output.model_copy(
        update={
            "trace": trace.model_copy(
                update={
                    "strategy": strategy.value,
                    "rationale": output.rationale,
                    "warnings": output.warnings,
                    "rest": rest,
                }
            )
        }
    )
