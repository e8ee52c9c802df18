"""`jit-engine generate --strategy llm|hybrid|auto`, `--adjustment`, `--records`, `prompt`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared_types.inputs import JITInput
from tests.cli.test_cli import EXAMPLE, run
from tests.conftest import PARAKEET_DIR
from training_engine.session import formula_session

NEUTRAL = {
    "intensity_modifier": 0.9,
    "set_modifier": -1,
    "skip_main_lift": False,
    "aux_overrides": [],
    "rationale": ["Poor sleep"],
    "confidence": "medium",
    "rest_adjustments": None,
}


@pytest.fixture(autouse=True)
def _no_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JIT_LLM__PROVIDER", "JIT_LLM__MODEL", "JIT_LLM__API_KEY", "JIT_LLM__BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "adjustment.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_llm_without_a_provider_falls_back_labelled_disabled() -> None:
    code, out, err = run("generate", "--strategy", "llm", "--input", str(EXAMPLE))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["jit_strategy"] == "formula_fallback"
    assert document["fallback_reason"] == "disabled"


def test_auto_without_a_provider_serves_the_formula() -> None:
    code, out, _ = run("generate", "--strategy", "auto", "--input", str(EXAMPLE))
    assert code == 0
    assert json.loads(out)["jit_strategy"] == "formula"


def test_an_adjustment_file_replaces_the_model(tmp_path: Path) -> None:
    code, out, _ = run(
        "generate", "--strategy", "llm", "--input", str(EXAMPLE), "--adjustment",
        write(tmp_path, NEUTRAL),
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["jit_strategy"] == "llm"
    assert document["rationale"] == ["Poor sleep"]


def test_parakeet_format_carries_the_fallback_reason(tmp_path: Path) -> None:
    raw = json.loads((PARAKEET_DIR / "inputs.json").read_text())[0]
    bad = {**NEUTRAL, "intensity_modifier": 1.5}
    code, out, _ = run(
        "generate", "--strategy", "hybrid", "--format", "native", "--adjustment",
        write(tmp_path, bad), stdin=EXAMPLE.read_text(),
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["fallback_reason"] == "invalid_response"
    code, out, _ = run(
        "generate", "--strategy", "llm", "--format", "parakeet", "--adjustment",
        write(tmp_path, bad | {}), stdin=json.dumps(raw),
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["jit_strategy"] == "formula_fallback"
    assert document["fallback_reason"] == "invalid_response"


def test_an_array_of_adjustments_must_align_with_the_inputs(tmp_path: Path) -> None:
    code, out, err = run(
        "generate", "--strategy", "llm", "--input", str(EXAMPLE), "--adjustment",
        write(tmp_path, [NEUTRAL, NEUTRAL]),
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "an array of 1 objects" in err


def test_hybrid_records_the_comparison(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    code, out, _ = run(
        "generate", "--strategy", "hybrid", "--input", str(EXAMPLE), "--adjustment",
        write(tmp_path, NEUTRAL), "--records", str(records),
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["jit_strategy"] == "llm"
    (line,) = records.read_text().splitlines()
    record = json.loads(line)
    assert record["session_id"] == "example-squat-heavy"
    assert record["comparison"]["served"] == "llm"
    formula = formula_session(JITInput.model_validate_json(EXAMPLE.read_text()))
    served_sets = len(json.loads(out)["main_lift_sets"])
    divergence = record["comparison"]["divergence"]
    assert divergence["set_delta"] == served_sets - len(formula.main_lift_sets)
    assert record["comparison"]["formula_output"]["main_lift_sets"] == [
        s.model_dump(mode="json") for s in formula.main_lift_sets
    ]


def test_shadow_serves_the_formula(tmp_path: Path) -> None:
    code, out, _ = run(
        "generate", "--strategy", "hybrid", "--shadow", "--input", str(EXAMPLE),
        "--adjustment", write(tmp_path, NEUTRAL),
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["jit_strategy"] == "formula"


def test_prompt_prints_the_messages_and_their_size() -> None:
    code, out, err = run("prompt", "--input", str(EXAMPLE))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["prompt_version"] == "jit-adjust-1"
    system, user = document["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    context = json.loads(user["content"])
    assert context["base"] == {"sets": 2, "reps": 5, "weight_kg": 145, "rpe": 8.5, "rest_s": 180}
    assert document["chars"]["total"] == len(system["content"]) + len(user["content"])
    assert document["chars"]["context_ratio"] < 0.25


def test_prompt_stats_measure_our_context_against_parakeets() -> None:
    code, out, _ = run("prompt", "--stats")
    assert code == 0
    stats = json.loads(out)
    assert stats["inputs"] == 37
    assert stats["ratio"] <= 0.25
    assert stats["ratio_max"] <= 0.25


def test_bad_settings_are_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIT_LLM__PROVIDER", "oracle")
    code, out, err = run("generate", "--strategy", "llm", "--input", str(EXAMPLE))
    assert (code, out) == (2, "")
    assert "JIT_LLM__PROVIDER" in err
