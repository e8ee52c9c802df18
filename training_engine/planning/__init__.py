"""Pure helpers the shell uses to assemble a `JITInput` from stored history (DR §3.20, §8.3).

Program scaffolding (the cube rotation), the working 1RM and the profile estimate, effective
sets and weekly volume, synthetic injury soreness, the default accessory pools and an unending
program's choice of stimulus. No I/O and no clock: dates and times are arguments.
"""

from training_engine.planning.auxiliaries import block_auxiliaries, default_pool, top_up_pool
from training_engine.planning.one_rm import (
    LoggedSession,
    LoggedSet,
    Prescribed,
    demonstrated_one_rm_kg,
    epley_kg,
    epley_with_reserve_kg,
    profile_estimate_kg,
    working_one_rm_kg,
)
from training_engine.planning.scheduler import (
    DEFAULT_WEEKDAYS,
    PlannedSlot,
    UnendingSignals,
    deload_weeks,
    next_lift,
    planned_dates,
    scheduled_program,
    unending_slot,
)
from training_engine.planning.soreness import injury_soreness, merge_soreness
from training_engine.planning.unending import (
    FinishedSession,
    primary_soreness,
    todays_intensity,
    unending_signals_from,
)
from training_engine.planning.volume import (
    VolumeStatus,
    rpe_set_multiplier,
    volume_status,
    weekly_volume,
)

__all__ = [
    "DEFAULT_WEEKDAYS",
    "FinishedSession",
    "LoggedSession",
    "LoggedSet",
    "PlannedSlot",
    "Prescribed",
    "UnendingSignals",
    "VolumeStatus",
    "block_auxiliaries",
    "default_pool",
    "deload_weeks",
    "demonstrated_one_rm_kg",
    "epley_kg",
    "epley_with_reserve_kg",
    "injury_soreness",
    "merge_soreness",
    "next_lift",
    "planned_dates",
    "primary_soreness",
    "profile_estimate_kg",
    "rpe_set_multiplier",
    "scheduled_program",
    "todays_intensity",
    "top_up_pool",
    "unending_signals_from",
    "unending_slot",
    "volume_status",
    "weekly_volume",
    "working_one_rm_kg",
]
