"""The typer + rich shell of `jit-engine` (ADR 0020): help for every command, exit codes and
messages kept from argparse, colour only on a terminal and never with NO_COLOR, and progress
bars on a terminal with plain lines (simulate) or silence (the others) elsewhere."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from api.cli import main
from api.persistence.db import Database
from tests.conftest import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "examples" / "squat-heavy.json"
ANSI = re.compile(r"\x1b\[")

OPTIONS = {
    "generate": ["--strategy", "--format", "--input", "--adjustment", "--shadow", "--records"],
    "prompt": ["--input", "--format", "--stats"],
    "bench": ["--input", "--format", "--iterations"],
    "serve": ["--host", "--port", "--quiet", "--workers"],
    "bench-api": ["--db", "--clients", "--seconds", "--database-url", "--workers"],
    "bench-gate": ["--lifters", "--weeks", "--seed"],
    "simulate": [
        "--out",
        "--lifters",
        "--weeks",
        "--strategy",
        "--learning",
        "--population",
        "--seed",
        "--workers",
        "--rpe-table",
        "--accept-suggestions",
        "--bandit",
        "--gate",
        "--record-rewards",
        "--keep-db",
        "--coach",
        "--rule-db",
        "--activate-rule",
        "--compare",
        "--plots",
        "--no-plots",
    ],
    "evaluate": [
        "--candidate",
        "--policy-version",
        "--since",
        "--until",
        "--seed",
        "--n-boot",
        "--min-ess",
        "--max-weight",
        "--max-unsupported",
        "--format",
        "--database-url",
    ],
    "oracle": ["--since", "--until", "--days", "--format", "--database-url"],
    "report": [
        "--since",
        "--until",
        "--days",
        "--lifter",
        "--lift",
        "--rollout",
        "--format",
        "--plots",
        "--database-url",
    ],
}


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a tty would."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the CI's environment forces, rich decides from the stream alone here."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "PY_COLORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLUMNS", raising=False)  # a pipe: 80 columns


def run(*argv: str, stdin: str = "", stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- help --------------------------------------------------------------------------------------


def test_the_top_help_lists_every_command_with_examples_and_the_exit_codes() -> None:
    code, out, err = run("--help")
    assert (code, err) == (0, "")
    for command in OPTIONS:
        assert re.search(rf"^\W*{re.escape(command)}\s+\w", out, re.MULTILINE), command
    assert "Examples:" in out
    assert "130 interrupted" in out
    assert not ANSI.search(out)


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_each_commands_help_names_its_options_in_plain_text(command: str) -> None:
    code, out, err = run(command, "--help")
    assert (code, err) == (0, "")
    assert f"Usage: jit-engine {command} [OPTIONS]" in out
    for option in OPTIONS[command]:
        assert re.search(rf"(^|\s){re.escape(option)}(\s|$)", out), option
    assert "Examples:" in out
    assert f"jit-engine {command}" in out.split("Examples:")[1]
    assert not ANSI.search(out)


# --- exit codes and messages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "Missing command."),
        (("nope",), "No such command 'nope'."),
        (("generate", "--bogus"), "No such option: --bogus"),
        (("generate", "--format", "yaml"), "invalid choice: 'yaml' (choose from 'native', "),
        (("bench", "--iterations", "x"), "invalid int value: 'x'"),
        (("evaluate", "--min-ess", "lots"), "invalid float value: 'lots'"),
        (("oracle", "--since", "2024-13-01"), "'2024-13-01' is not a date (YYYY-MM-DD)"),
        (("report", "--lift", "curl"), "invalid choice: 'curl'"),
        (("simulate",), "Missing option '--out'"),
    ],
)
def test_usage_errors_exit_2_with_the_problem_and_the_usage_on_stderr_only(
    argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    first = err.splitlines()[0]
    assert first.startswith("jit-engine: ")
    assert message in first
    assert "Usage: jit-engine" in err
    assert "--help' for help." in err
    assert "Traceback" not in err
    assert not ANSI.search(err)


def test_an_interrupt_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("benchmarks.engine.run_bench", interrupted)
    code, out, err = run("bench", "--iterations", "1")
    assert (code, out, err) == (130, "", "jit-engine: interrupted\n")


def test_an_internal_error_exits_1_with_one_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr("benchmarks.engine.run_bench", broken)
    code, out, err = run("bench", "--iterations", "1")
    assert (code, out) == (1, "")
    assert err == "jit-engine: internal error: RuntimeError: the disk caught fire\n"


# --- colour -----------------------------------------------------------------------------------


def test_errors_are_coloured_on_a_terminal_only_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = Terminal()
    code, _, err = run("bench", "--iterations", "0", stderr=terminal)
    assert code == 2
    assert ANSI.search(err)
    assert "--iterations must be at least 1" in err
    monkeypatch.setenv("NO_COLOR", "1")
    code, _, err = run("bench", "--iterations", "0", stderr=Terminal())
    assert (code, err) == (2, "jit-engine: --iterations must be at least 1\n")


# --- progress ---------------------------------------------------------------------------------


def test_bench_draws_a_bar_on_a_terminal_and_nothing_elsewhere() -> None:
    code, out, err = run("bench", "--input", str(EXAMPLE), "--iterations", "3")
    assert (code, err) == (0, "")
    terminal = Terminal()
    code, out, err = run("bench", "--input", str(EXAMPLE), "--iterations", "3", stderr=terminal)
    assert code == 0
    assert json.loads(out)["sessions"] == 1  # stdout stays one JSON line
    # One input without a pool: generate, without-pool, parse, parse+generate, API-shaped.
    assert "bench" in err
    assert "15/15" in err
    assert "rounds" in err


def test_bench_tells_its_progress_once_per_timed_round() -> None:
    from benchmarks.engine import run_bench  # noqa: PLC0415
    from shared_types.inputs import JITInput  # noqa: PLC0415

    seen: list[tuple[int, int]] = []
    raw = json.loads(EXAMPLE.read_text())
    run_bench([raw], JITInput.model_validate, 4, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(done, 20) for done in range(1, 21)]


def test_evaluate_tells_its_progress_once_per_resample() -> None:
    from training_engine.evaluation import LoggedDecision, evaluate  # noqa: PLC0415

    logs = [
        LoggedDecision("ctx", "formula" if i % 2 else "llm", 0.5, float(i % 3) / 2)
        for i in range(40)
    ]
    seen: list[tuple[int, int]] = []
    result = evaluate(
        logs,
        lambda context: {"formula": 0.5, "llm": 0.5},
        seed=3,
        n_boot=25,
        min_ess=1,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert result.refused is None
    assert seen == [(done, 25) for done in range(1, 26)]
    again = evaluate(
        logs, lambda context: {"formula": 0.5, "llm": 0.5}, seed=3, n_boot=25, min_ess=1
    )
    assert again == result  # the callback changes nothing


def test_simulate_keeps_plain_lines_off_a_terminal_and_draws_a_bar_on_one(
    tmp_path: Path,
) -> None:
    argv = ["simulate", "--lifters", "2", "--weeks", "1", "--no-plots"]
    code, out, err = run(*argv, "--out", str(tmp_path / "plain"))
    assert code == 0, err
    assert err.splitlines()[-1].startswith("lifters 2/2 (100%), ")
    assert not ANSI.search(out + err)
    terminal = Terminal()
    code, _, err = run(*argv, "--out", str(tmp_path / "bar"), stderr=terminal)
    assert code == 0, err
    assert "2/2" in err
    assert "lifters 2/2 (100%)," not in err  # the bar, not the plain line
    assert ANSI.search(err)


def test_simulate_refuses_a_compare_folder_that_is_no_simulate_output(tmp_path: Path) -> None:
    code, out, err = run("simulate", "--out", str(tmp_path / "out"), "--compare", str(tmp_path))
    assert (code, out) == (2, "")
    assert f"--compare {tmp_path} holds no summary.json" in err


def test_oracle_draws_a_bar_over_the_contexts_it_distils_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.test_oracle import MIN_CALLS, _seed_context  # noqa: PLC0415
    from tests.factories import make_input  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'oracle.db'}"
    database = Database(url)
    database.migrate()
    seeded = SimpleNamespace(state=SimpleNamespace(db=database))
    _seed_context(seeded, "bar-a", make_input(primary_lift="bench", intensity_type="rep"), 2037, 16)
    _seed_context(
        seeded, "bar-b", make_input(primary_lift="squat", intensity_type="heavy"), 2037, 16
    )
    database.dispose()
    monkeypatch.setenv("JIT_ORACLE__THRESHOLDS", json.dumps({"min_calls": MIN_CALLS}))
    common = ["oracle", "--database-url", url, "--since", "2037-01-01", "--until", "2038-01-01"]
    code, out, err = run(*common)
    assert (code, err) == (0, "")
    assert "32 model-served generations in 2 contexts" in out
    terminal = Terminal()
    code, out, err = run(*common, stderr=terminal)
    assert code == 0
    assert "2/2" in err
    assert "contexts" in err
    assert "model-served generations" in out


# --- the charts and the report ----------------------------------------------------------------


def test_simulate_writes_its_charts_and_overlays_an_earlier_run(tmp_path: Path) -> None:
    argv = ["simulate", "--lifters", "2", "--weeks", "2"]
    code, _, err = run(*argv, "--out", str(tmp_path / "learn"))
    assert code == 0, err
    charts = [Path(line.removeprefix("chart ")) for line in err.splitlines() if "chart " in line]
    assert charts
    assert all(c.parent == tmp_path / "learn" and c.suffix == ".png" for c in charts)
    assert all(c.read_bytes().startswith(b"\x89PNG") for c in charts)
    code, _, err = run(
        *argv,
        "--learning",
        "off",
        "--out",
        str(tmp_path / "off"),
        "--compare",
        str(tmp_path / "learn"),
    )
    assert code == 0, err
    assert any(line.startswith(f"chart {tmp_path / 'off'}") for line in err.splitlines())


def test_report_on_an_empty_database_says_so_as_a_table_or_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    database = Database(url)
    database.migrate()
    database.dispose()
    code, out, err = run("report", "--database-url", url)
    assert (code, err) == (0, "")
    assert "no generations in the period" in out
    assert not ANSI.search(out)
    code, out, err = run("report", "--database-url", url, "--format", "json", "--days", "7")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["empty"] is True
    code, out, err = run("report", "--database-url", url, "--plots", str(tmp_path / "charts"))
    assert code == 0, err
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in (tmp_path / "charts").iterdir())


def test_report_refusals_exit_2_with_the_reason(tmp_path: Path) -> None:
    code, out, err = run("report", "--database-url", f"sqlite:///{tmp_path / 'none.db'}")
    assert (code, out) == (2, "")
    assert err.startswith("jit-engine: no database at ")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    database = Database(url)
    database.migrate()
    database.dispose()
    code, out, err = run("report", "--database-url", url, "--days", "0")
    assert (code, out) == (2, "")
    assert err.startswith("jit-engine: --days must be")
