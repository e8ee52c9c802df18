"""The offline estimators over repeated seeds (issue 12: "over repeated seeds the estimates'
intervals cover the simulated true value at about their nominal rate, and the DR estimate's
error is below IPS's").

For each seed: three runs of `lifters` x `weeks` (always-formula, always-llm, and `auto` with
the bandit on and the gate off), each with `--record-rewards on`, one worker, learning off,
the `differs` population and the chosen coach, the bandit run's database kept. Then, per seed,
`bandit_report.offline_estimates` of the candidates `formula`, `model` and `greedy` on the
bandit's logs beside the simulated truth (each arm's per-context mean reward in the constant
runs, weighted by the bandit's rewarded decisions per context). Per estimator (IPS, SNIPS, DR):
the share of 95 % intervals that cover the truth, the mean absolute error, and how often its
error is below IPS's on the same seed and candidate. Refused evaluations are counted apart
(no estimate to score).

A run whose folder already holds `sessions.jsonl` is not run again, so the command can resume.

Run: `python -m simulator.seeds --seeds 1 2 3 4 5 --lifters 40 --weeks 12 --coach v2
--out runs/seeds [--max-unsupported 0.05 --max-weight 40] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.bandit_report import arm_truth, bandit_decisions, offline_estimates, read_records
from simulator.coach import COACHES, Coach
from simulator.command import simulate_command
from simulator.run import RunConfig
from training_engine.evaluation import DEFAULT_MAX_WEIGHT

__all__ = ["ARM_RUNS", "ESTIMATORS", "main", "run_seed", "score"]

ESTIMATORS = ("ips", "snips", "dr")
# Each seed's runs: name -> (strategy, bandit on)
ARM_RUNS: dict[str, tuple[str, bool]] = {
    "formula": ("formula", False),
    "llm": ("llm", False),
    "bandit": ("auto", True),
}


def run_seed(seed: int, lifters: int, weeks: int, coach: Coach, out: Path) -> dict[str, Path]:
    """The seed's three runs under `out/seed-<seed>/` (skipped when already written)."""
    folders = {}
    for name, (strategy, bandit) in ARM_RUNS.items():
        folder = out / f"seed-{seed}" / name
        folders[name] = folder
        if (folder / "sessions.jsonl").exists():
            continue
        config = RunConfig(
            lifters=lifters,
            weeks=weeks,
            strategy=strategy,
            learning=False,
            population="differs",
            seed=seed,
            workers=1,
            bandit=bandit,
            gate=not bandit,
            record_rewards=True,
            keep_db=str(folder) if bandit else None,
            coach=coach,
        )
        sys.stderr.write(f"seed {seed}: {name}\n")
        simulate_command(config, folder, io.StringIO(), io.StringIO())
    return folders


def score(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per estimator over the evaluations (`seed`, `candidate`, `truth`, `estimates`, `refused`):
    intervals scored, covering share, mean absolute error; and how often DR's and SNIPS's
    error is below IPS's on the same evaluation."""
    scored = [r for r in rows if not r["refused"] and r["truth"] is not None]
    out: dict[str, Any] = {"evaluations": len(rows), "refused": len(rows) - len(scored)}
    errors: dict[str, list[float]] = {e: [] for e in ESTIMATORS}
    covered: dict[str, int] = dict.fromkeys(ESTIMATORS, 0)
    for row in scored:
        by_name = {e["estimator"]: e for e in row["estimates"]}
        for name in ESTIMATORS:
            estimate = by_name[name]
            errors[name].append(abs(estimate["value"] - row["truth"]))
            covered[name] += int(estimate["low"] <= row["truth"] <= estimate["high"])
    for name in ESTIMATORS:
        n = len(errors[name])
        out[name] = {
            "intervals": n,
            "covered": covered[name],
            "coverage": covered[name] / n if n else None,
            "mean_abs_error": sum(errors[name]) / n if n else None,
        }
    for name in ("snips", "dr"):
        out[f"{name}_below_ips"] = sum(
            1 for a, b in zip(errors[name], errors["ips"], strict=True) if a < b
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.seeds")
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--lifters", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--coach", choices=COACHES, default="v2")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--max-unsupported", type=float, default=0.0)
    parser.add_argument("--max-weight", type=float, default=DEFAULT_MAX_WEIGHT)
    parser.add_argument("--json", type=Path, help="write the whole document here")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for seed in args.seeds:
        folders = run_seed(seed, args.lifters, args.weeks, args.coach, args.out)
        truth = {arm: arm_truth(read_records(folders[arm])) for arm in ("formula", "llm")}
        decisions = bandit_decisions(read_records(folders["bandit"]))
        for row in offline_estimates(
            folders["bandit"] / "worker-0.db",
            decisions,
            truth,
            n_boot=args.n_boot,
            max_unsupported=args.max_unsupported,
            max_weight=args.max_weight,
        ):
            rows.append({"seed": seed, **row})
    document = {"seeds": args.seeds, "score": score(rows), "evaluations": rows}
    if args.json is not None:
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(document["score"], indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
