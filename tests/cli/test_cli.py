"""The `jit-engine` command-line contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from tests.conftest import PARAKEET_DIR, PROJECT_ROOT, load_parakeet

EXAMPLE = PROJECT_ROOT / "examples" / "squat-heavy.json"


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_generate_reads_a_native_file_and_prints_one_output() -> None:
    code, out, err = run("generate", "--input", str(EXAMPLE))
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["session_id"] == "example-squat-heavy"
    assert document["jit_strategy"] == "formula"
    assert document["main_lift_sets"]


def test_generate_reads_standard_input_when_no_file_is_given() -> None:
    code, out, _ = run("generate", stdin=EXAMPLE.read_text())
    assert code == 0
    assert json.loads(out)["session_id"] == "example-squat-heavy"


def test_an_array_gives_an_array_in_the_same_order() -> None:
    raw = load_parakeet("inputs.json")
    code, out, _ = run("generate", "--format", "parakeet", stdin=json.dumps(raw))
    assert code == 0
    outputs = json.loads(out)
    assert [o["sessionId"] for o in outputs] == [i["sessionId"] for i in raw]
    assert all("mainLiftSets" in o and "trace" not in o for o in outputs)


def test_output_is_byte_identical_across_runs() -> None:
    first = run("generate", "--input", str(PARAKEET_DIR / "inputs.json"), "--format", "parakeet")
    second = run("generate", "--input", str(PARAKEET_DIR / "inputs.json"), "--format", "parakeet")
    assert first == second


def _bad_example(**changes: Any) -> str:
    document = json.loads(EXAMPLE.read_text())
    document.update(changes)
    return json.dumps(document)


def test_invalid_input_exits_2_naming_each_bad_field_and_prints_nothing() -> None:
    code, out, err = run(
        "generate", stdin=_bad_example(sleep_quality=9, soreness_ratings={"quads": 0})
    )
    assert code == 2
    assert out == ""
    assert "sleep_quality:" in err
    assert "soreness_ratings.quads:" in err
    assert "Traceback" not in err


def test_a_bad_item_in_an_array_is_named_by_index_and_nothing_is_printed() -> None:
    good = json.loads(EXAMPLE.read_text())
    bad = {**good, "one_rm_kg": -5}
    code, out, err = run("generate", stdin=json.dumps([good, bad]))
    assert code == 2
    assert out == ""
    assert "[1].one_rm_kg:" in err


def test_parakeet_format_errors_use_parakeet_keys() -> None:
    raw = dict(load_parakeet("inputs.json")[0])
    raw["oneRmKg"] = 0
    code, out, err = run("generate", "--format", "parakeet", stdin=json.dumps(raw))
    assert (code, out) == (2, "")
    assert "oneRmKg:" in err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "line 1, column 2: invalid JSON"),
        ("[]", "the array is empty"),
        ("[1]", "[0]: expected a JSON object"),
        ("", "invalid JSON"),
    ],
)
def test_unusable_documents_are_explained(stdin: str, message: str) -> None:
    code, out, err = run("generate", stdin=stdin)
    assert (code, out) == (2, "")
    assert message in err


def test_unknown_strategy_is_a_usage_error_listing_the_available_ones() -> None:
    code, out, err = run("generate", "--strategy", "oracle", stdin=EXAMPLE.read_text())
    assert (code, out) == (2, "")
    assert "unknown strategy 'oracle'" in err
    assert "formula" in err


def test_missing_input_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("generate", "--input", str(tmp_path / "nope.json"))
    assert code == 2
    assert "cannot read" in err


def test_bad_arguments_exit_2() -> None:
    code, _, err = run("generate", "--format", "yaml")
    assert code == 2
    assert "invalid choice" in err


def test_bench_prints_one_json_line_with_the_contracted_keys() -> None:
    code, out, err = run("bench", "--iterations", "2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {
        "sessions",
        "median_us",
        "p99_us",
        "parse_median_us",
        "parse_p99_us",
        "parse_and_generate_median_us",
        "sessions_per_s",
        "sessions_with_pool",
        "with_pool_median_us",
        "with_pool_p99_us",
        "without_pool_median_us",
        "without_pool_p99_us",
        "api_pool_size",
        "api_pool_median_us",
        "api_pool_p99_us",
        "api_pool_sessions_per_s",
    }
    assert result["sessions"] == 37
    assert 0 < result["median_us"] <= result["p99_us"]
    assert result["sessions_with_pool"] == 7
    assert result["api_pool_size"] == 78
    assert 0 < result["api_pool_median_us"] <= result["api_pool_p99_us"]
    assert result["sessions_per_s"] > 0
    assert 0 < result["parse_median_us"] <= result["parse_p99_us"]


def test_bench_finds_its_default_inputs_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("bench", "--iterations", "1")
    assert (code, err) == (0, "")
    assert json.loads(out)["sessions"] == 37


def test_bench_without_its_default_inputs_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.cli.DEFAULT_BENCH_INPUTS", tmp_path / "inputs.json")
    code, out, err = run("bench", "--iterations", "1")
    assert (code, out) == (2, "")
    assert "--input FILE" in err


def test_bench_accepts_a_native_input_file() -> None:
    code, out, _ = run("bench", "--input", str(EXAMPLE), "--iterations", "1")
    assert code == 0
    assert json.loads(out)["sessions"] == 1


def test_bench_rejects_zero_iterations() -> None:
    code, _, err = run("bench", "--iterations", "0")
    assert code == 2
    assert "--iterations" in err


def test_the_installed_console_script_runs_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "generate"],
        input='{"session_id": 5}',
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "session_id:" in result.stderr
