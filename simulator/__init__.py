"""`jit-engine simulate`: synthetic lifters with hidden truths, driven through the real services.

`lifter` (personas, gains, the adapting true 1RM), `rpe` (the RTS chart), `daily` (seeded
check-ins and disruptions), `coach` (the simulated model for llm/hybrid/auto), `lifter_run` (one
lifter's weeks through the services), `invariants` (DR §9.10), `run` (workers, databases),
`report` (sessions.jsonl, summary.json, the weekly table).
"""
