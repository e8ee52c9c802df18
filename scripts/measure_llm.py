"""Print the LLM layer's measurements as JSON lines (see docs/measurements/llm.md).

    .venv/bin/python scripts/measure_llm.py

Offline: parakeet's fixtures from tests/fixtures/parakeet, a loopback server that never
answers, no model.
"""

from __future__ import annotations

import json
from pathlib import Path

from api.cli import main as cli
from benchmarks.llm import cache_hit_timing, deadline_overshoot, llm_parity
from shared_types.adjustment import JITAdjustment
from shared_types.parakeet import input_from_parakeet

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "parakeet"


def load(name: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def main() -> int:
    inputs = load("inputs.json")
    parity = llm_parity(inputs, load("adjustments.json"), load("llm-outputs.json"))
    deviating = {k: v for k, v in parity.items() if v}
    print(
        json.dumps(
            {
                "llm_main_lift_parity": f"{len(parity) - len(deviating)}/{len(parity)}",
                "deviating": deviating,
            }
        )
    )
    first = input_from_parakeet(inputs[0])
    print(json.dumps({"deadline": deadline_overshoot(first, deadline_s=1.0, runs=20)}))
    neutral = JITAdjustment.model_validate(
        {
            "intensity_modifier": 1.0,
            "set_modifier": 0,
            "skip_main_lift": False,
            "aux_overrides": [],
            "rationale": ["neutral"],
            "confidence": "high",
            "rest_adjustments": None,
        }
    )
    print(json.dumps({"cache_hit_generation": cache_hit_timing(first, neutral, rounds=200)}))
    return cli(["prompt", "--stats", "--input", str(FIXTURES / "inputs.json")])


if __name__ == "__main__":
    raise SystemExit(main())
