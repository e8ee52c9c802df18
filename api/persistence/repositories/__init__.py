"""SQL lives here, one module per aggregate; services call these functions and nothing else.

    lifters      lifters, tokens, maxes
    config       per-lifter settings, volume landmarks, warm-ups, rest overrides
    programs     programs, and the sessions a program writes or retires
    sessions     the session lifecycle: one session, pages, set logs, weeks
    disruptions  disruptions and rehab caps
    state        the `LifterState` one generation reads (plain values, no documents)
    generations  the generation's read, its re-check under the write lock, and its write
    audit        LLM call records and hybrid comparisons
    idempotency  the first response to a creating POST under an Idempotency-Key

Every lookup of a lifter-owned row filters by `lifter_id`, so another lifter's id is simply not
found (404), never a 403 that would confirm it exists. `lock=True` takes a row lock
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's write units already hold the database lock).
A unit of work is `api.persistence.db.Unit`; only these modules execute statements on it.
"""
