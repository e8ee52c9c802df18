"""The messages the LLM strategy sends: our own compact, versioned prompt (pure).

The context carries what the model can act on: today's lift and day, the formula base it is
adjusting (sets, reps, weight, RPE, rest), the signals the formula reads (soreness, readiness,
wearables, cycle phase, disruptions, recent RPE, weekly volume against the landmarks of the
primary muscles, capacity answers, calibrations, the rehab cap) and the configured accessories
with the engine's history anchor. Defaults are left out (soreness 1, unset fields), and so are
the blobs the model cannot use: the formula config (the base and the rest stand for it), the
landmarks of muscles the main lift does not train, the accessory pool, raw accessory history
(the anchors stand for it), custom maps, ids and dates. What was dropped and why:
docs/decisions/0008-compact-versioned-prompt.md.

`PROMPT_VERSION` changes whenever the wording or the context's shape changes; every call
records it, and the adjustment cache keys on it. `PROMPT_VERSIONS` are the prompts a call can
ask for (a rollout of a prompt version names one): ours, and `jit-adjust-1-full`, the same
instructions and base over the reference's whole input (`parakeet_context`), the prompt ADR 0008
chose against, kept so a rollout can measure the choice on live traffic.

`parakeet_context` rebuilds the reference's context (§5.3: the whole input minus
`warmupConfig`, plus its extras) only to measure ours against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, get_args

from shared_types.enums import MuscleGroup
from shared_types.inputs import JITInput
from shared_types.llm import PromptVersion
from shared_types.parakeet import input_to_parakeet
from training_engine.accessories.build import accessory_context
from training_engine.accessories.configured import resolve_anchor
from training_engine.accessories.exercises import ExerciseBook
from training_engine.formulas.rest import main_rest
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.pipeline.state import new_context
from training_engine.session import FormulaRun

__all__ = [
    "PROMPT_VERSION",
    "PROMPT_VERSIONS",
    "SYSTEM_PROMPT",
    "Prompt",
    "build_context",
    "build_prompt",
    "compact_json",
    "compact_number",
    "day_signals",
    "parakeet_context",
    "soreness_and_volume",
]

PROMPT_VERSION: PromptVersion = "jit-adjust-1"
FULL_CONTEXT_VERSION: PromptVersion = "jit-adjust-1-full"
PROMPT_VERSIONS: tuple[PromptVersion, ...] = get_args(PromptVersion)
DESCRIPTION_MAX_CHARS = 160

SYSTEM_PROMPT = """\
You are an experienced strength coach. The user message is today's session for one lifter as \
JSON: `base` is the program's prescription for the main lift (sets, reps, weight_kg, rpe, \
rest_s). Answer with one adjustment of that base.

Fields: intensity_modifier 0.40-1.20 multiplies base weight; set_modifier -3..+2 changes the set \
count; skip_main_lift only for a real reason; 1-4 short rationale lines, each naming the signal \
behind it; confidence high|medium|low; rest_adjustments.main_lift a delta in seconds (-60..+60) \
or null when base rest is right (longer only for RPE >= 9.5 or real disruption/soreness, \
shorter only on a deload or RPE <= 7.5); aux_overrides, one entry per accessory you change, \
exact `name` from `accessories`, action skip|reduce|normal, anchor_override null unless \
something the anchor cannot see (fresh injury, equipment change) justifies a start weight \
(weight_kg, reason <= 160 chars).

Be conservative about cutting. Neutral signals (sleep/energy 3, soreness 1-4, no disruption) \
mean 1.0 and 0. One mild signal: one small change on one axis. Even sleep and energy both 1-2 \
warrant at most -1 set and x0.95. Never combine intensity < 0.90 with sets <= -2 without an \
objective signal (a disruption, primary soreness >= 7, or sleep and energy both <= 2). Do not \
punish one cause twice: a disruption and the soreness it caused take the more conservative \
change, not both.

Keys: soreness 1-10 per muscle (unlisted = 1; >= 7 high, >= 9 severe); sleep and energy 1-5 \
(1-2 poor, 3 neutral, 4-5 good); volume = [done this week, MEV, MRV] sets for the lift's \
primary muscles; recent_rpe = [actual, target] newest first; wearables: hrv_pct < -20 and \
resting_hr_pct > +10 are warnings, sleep_min < 360 poor and < 300 critical, deep_sleep_pct < 15 \
impairs recovery, load 0-3 (3 high), readiness < 40 poor, > 70 good; prefer wearables over \
subjective ratings when they conflict and say so. Age >= 55 recovers slower (trim load rather \
than volume); age <= 22 tolerates volume. Accessory anchors come from the lifter's history: \
trust them."""


def compact_json(document: object) -> str:
    """JSON as JavaScript's `JSON.stringify` writes it: no spaces, non-ASCII kept."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def compact_number(value: float) -> float | int:
    """A whole float as an int (140.0 -> 140), so the JSON carries no needless ".0"."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class Prompt:
    version: str
    system: str
    user: str

    def messages(self) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]

    @property
    def chars(self) -> int:
        return len(self.system) + len(self.user)


def soreness_and_volume(inp: JITInput) -> dict[str, Any]:
    """The muscles rated sore (above 1) and the lift's primary muscles' week so far as
    [sets done, MEV, MRV] (shared with the review prompt)."""
    out: dict[str, Any] = {}
    sore = {m.value: inp.soreness(m) for m in MuscleGroup if inp.soreness(m) > 1}
    if sore:
        out["soreness"] = sore
    out["volume"] = {
        m.value: [
            compact_number(inp.weekly_sets(m)),
            compact_number(inp.mrv_mev_config[m].mev),
            compact_number(inp.mrv_mev_config[m].mrv),
        ]
        for m in PRIMARY_MUSCLES[inp.primary_lift]
    }
    return out


def day_signals(inp: JITInput) -> dict[str, Any]:
    """The day's signals the formula reads, compactly (shared with the review prompt)."""
    out: dict[str, Any] = {}
    readiness = {
        "sleep": inp.sleep_quality,
        "energy": inp.energy_level,
        "hrv_pct": inp.hrv_pct_change,
        "resting_hr_pct": inp.resting_hr_pct_change,
        "sleep_min": inp.sleep_duration_min,
        "deep_sleep_pct": inp.deep_sleep_pct,
        "spo2": inp.spo2_avg,
        "load": inp.non_training_load,
        "readiness": inp.readiness_score,
    }
    kept = {k: compact_number(v) for k, v in readiness.items() if v is not None}
    if kept:
        out["readiness"] = kept
    if inp.cycle_phase is not None:
        out["cycle_phase"] = inp.cycle_phase.value
    if inp.active_disruptions:
        out["disruptions"] = [
            {
                "type": d.disruption_type.value,
                "severity": d.severity.value,
                "lifts": [lift.value for lift in d.affected_lifts] if d.affected_lifts else "all",
                **(
                    {"note": d.description[:DESCRIPTION_MAX_CHARS]}
                    if d.description and d.description.strip()
                    else {}
                ),
            }
            for d in inp.active_disruptions
        ]
    logs = [
        [compact_number(log.actual_rpe), compact_number(log.target_rpe)]
        for log in inp.recent_logs
        if log.actual_rpe is not None and not log.contained_rehab_sets
    ]
    if logs:
        out["recent_rpe"] = logs
    if inp.capacity_history:
        out["capacity"] = list(inp.capacity_history)
    if inp.weekly_mismatch_direction is not None:
        out["weekly_review"] = inp.weekly_mismatch_direction.value
    if inp.modifier_calibrations:
        out["calibrations"] = {k.value: v for k, v in inp.modifier_calibrations.items()}
    return out


def _accessories(inp: JITInput) -> list[dict[str, Any]]:
    book = ExerciseBook.for_input(inp)
    ctx = accessory_context(
        inp,
        main_set_count=0,
        main_skipped=False,
        worst_soreness=1,
        volume_ratio=1.0,
        intensity_ratio=1.0,
    )
    rows: list[dict[str, Any]] = []
    for name in inp.active_auxiliaries:
        row: dict[str, Any] = {"name": name}
        formula_kg = book.formula_weight_kg(name, inp.one_rm_kg, inp.primary_lift)
        anchor = resolve_anchor(ctx, name, formula_kg)
        if anchor is not None:
            row["anchor_kg"] = compact_number(anchor.anchor_kg)
            row["anchor"] = anchor.source.value
        rows.append(row)
    return rows


def build_context(formula: FormulaRun) -> dict[str, Any]:
    """The model's view of today: what it adjusts, and the signals that should move it."""
    ctx = formula.ctx
    inp = ctx.inp
    base = ctx.base
    reps: int | list[int] = base.reps if base.reps_max is None else [base.reps, base.reps_max]
    context: dict[str, Any] = {
        "lift": inp.primary_lift.value,
        "day": inp.intensity_type.value,
        "block": ctx.cycled_block,
        "week": inp.week_number,
        "one_rm_kg": compact_number(inp.one_rm_kg),
        "base": {
            "sets": base.count,
            "reps": reps,
            "weight_kg": compact_number(base.weight_kg),
            "rpe": compact_number(base.rpe_target),
            "rest_s": main_rest(inp, ctx.cycled_block).final_seconds,
        },
    }
    if inp.biological_sex is not None:
        context["sex"] = inp.biological_sex.value
    if inp.user_age is not None:
        context["age"] = inp.user_age
    if inp.days_since_last_session is not None:
        context["days_since_last"] = inp.days_since_last_session
    context.update(soreness_and_volume(inp))
    context.update(day_signals(inp))
    cap = inp.active_rehab_cap
    if cap is not None and cap.lift is inp.primary_lift:
        context["rehab_cap_kg"] = compact_number(cap.cap_kg)
    if inp.active_auxiliaries:
        context["accessories"] = _accessories(inp)
    return context


def build_prompt(formula: FormulaRun, version: PromptVersion | None = None) -> Prompt:
    """The messages for the formula pass `formula` (the base the model adjusts), in `version`
    (None: `PROMPT_VERSION`)."""
    version = version or PROMPT_VERSION
    context = build_context(formula)
    if version == FULL_CONTEXT_VERSION:
        context = {"base": context["base"], **parakeet_context(formula.inp)}
    return Prompt(version=version, system=SYSTEM_PROMPT, user=compact_json(context))


def parakeet_context(inp: JITInput) -> dict[str, Any]:
    """The reference's context (§5.3), for measurement only: the whole input minus
    `warmupConfig`, rehab-set logs dropped, plus `formulaRestSeconds`, `auxAnchors` and
    `lastSetRpe` (from the last, i.e. oldest, log, as the reference does)."""
    doc = input_to_parakeet(inp)
    doc.pop("warmupConfig", None)
    logs = [log for log in doc.get("recentLogs", []) if not log.get("containedRehabSets")]
    doc["recentLogs"] = logs
    ctx = new_context(inp)
    doc["formulaRestSeconds"] = main_rest(inp, ctx.cycled_block).formula_base_seconds
    book = ExerciseBook.for_input(inp)
    actx = accessory_context(
        inp,
        main_set_count=0,
        main_skipped=False,
        worst_soreness=1,
        volume_ratio=1.0,
        intensity_ratio=1.0,
    )
    anchors: dict[str, Any] = {}
    for name in inp.active_auxiliaries:
        formula_kg = book.formula_weight_kg(name, inp.one_rm_kg, inp.primary_lift)
        anchor = resolve_anchor(actx, name, formula_kg)
        if anchor is not None:
            anchors[name] = {
                "anchorKg": anchor.anchor_kg,
                "source": anchor.source.value,
                "sessionsUsed": anchor.sessions_used,
                "confidence": anchor.confidence.value,
                "formulaWeightKg": formula_kg,
                "snapDetected": anchor.source.value == "snap",
                # the flag's value only matters for the size: read it off our rationale
                "decayApplied": "old" in anchor.rationale,
                "rationale": anchor.rationale,
            }
    doc["auxAnchors"] = anchors
    if logs and logs[-1].get("actual_rpe") is not None:
        doc["lastSetRpe"] = logs[-1]["actual_rpe"]
    return doc
