"""Perceive: the lifter's stored state and today's check-in become a `JITInput` (DR §8.3).

The shell loads the state as plain values (`LifterState`) and maps the request to a
`DailyCheckIn`; `assemble` does the rest, with no I/O and no clock (`now` is an argument).
"""

from training_engine.perceive.assemble import active_on, assemble
from training_engine.perceive.configs import (
    default_bar_weight_kg,
    default_warmup,
    effective_formula_config,
    effective_landmarks,
)
from training_engine.perceive.exercises import (
    catalog_exercises,
    custom_accessories,
    custom_maps,
    equipment,
)
from training_engine.perceive.history import set_volume
from training_engine.perceive.state import (
    Assembled,
    AssemblyError,
    CustomExercise,
    DailyCheckIn,
    InvalidOverrides,
    JsonObject,
    LifterProfile,
    LifterState,
    OneRmLabel,
    PastSession,
    Problem,
    SessionPlan,
    Wearables,
    WeekSession,
    WeekSet,
)

__all__ = [
    "Assembled",
    "AssemblyError",
    "CustomExercise",
    "DailyCheckIn",
    "InvalidOverrides",
    "JsonObject",
    "LifterProfile",
    "LifterState",
    "OneRmLabel",
    "PastSession",
    "Problem",
    "SessionPlan",
    "Wearables",
    "WeekSession",
    "WeekSet",
    "active_on",
    "assemble",
    "catalog_exercises",
    "custom_accessories",
    "custom_maps",
    "default_bar_weight_kg",
    "default_warmup",
    "effective_formula_config",
    "effective_landmarks",
    "equipment",
    "set_volume",
]
