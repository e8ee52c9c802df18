"""Adapter between our snake_case models and parakeet's JSON shape.

Parakeet's JSON mixes casings: camelCase at the top level and in most nested objects, but
snake_case inside formula configs, volume landmarks, disruptions, planned sets and two fields of a
recent-log summary. Optional keys are absent rather than null. This module is the only place
that knows those facts; everything else speaks our models.

The conversion is driven by the models' own field annotations, compiled once per model, so a new
field needs no code here unless its parakeet name is irregular (then it goes in `_IRREGULAR`).
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from itertools import chain, repeat
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from shared_types.adjustment import JITAdjustment
from shared_types.config import (
    BlockConfig,
    DeloadConfig,
    FixedSessionConfig,
    FormulaConfig,
    MrvMevConfig,
    ProgressiveOverload,
    RepSessionConfig,
    RestSeconds,
    RestSecondsBlock,
    TrainingMaxIncrease,
    VolumeLandmark,
)
from shared_types.inputs import JITInput, RecentSessionSummary, TrainingDisruption
from shared_types.outputs import AuxAnchor, JITOutput, PlannedSet

__all__ = [
    "adjustment_from_parakeet",
    "adjustment_to_parakeet",
    "input_from_parakeet",
    "input_to_parakeet",
    "output_from_parakeet",
    "output_to_parakeet",
    "parakeet_key",
    "parakeet_path",
]

M = TypeVar("M", bound=BaseModel)

# Models parakeet writes with snake_case keys (their field names are used as they are).
_SNAKE_CASE_MODELS: frozenset[type[BaseModel]] = frozenset(
    {
        FormulaConfig,
        BlockConfig,
        FixedSessionConfig,
        RepSessionConfig,
        DeloadConfig,
        ProgressiveOverload,
        TrainingMaxIncrease,
        RestSecondsBlock,
        RestSeconds,
        MrvMevConfig,
        VolumeLandmark,
        TrainingDisruption,
        PlannedSet,
    }
)

# Field names whose parakeet key is neither our name nor its plain camelCase.
_IRREGULAR: Mapping[tuple[type[BaseModel], str], str] = {
    (JITInput, "now"): "nowIso",
    (RecentSessionSummary, "actual_rpe"): "actual_rpe",
    (RecentSessionSummary, "target_rpe"): "target_rpe",
    (AuxAnchor, "from_llm_override"): "fromLLMOverride",
    (JITOutput, "jit_strategy"): "jit_strategy",
    (JITOutput, "fallback_reason"): "fallback_reason",
}

# Our fields parakeet's shape does not have (the trace is stored beside the output there).
_NOT_IN_PARAKEET: frozenset[tuple[type[BaseModel], str]] = frozenset({(JITOutput, "trace")})

# Optional keys parakeet writes as an explicit null rather than leaving out.
_ALWAYS_WRITTEN: frozenset[tuple[type[BaseModel], str]] = frozenset({(JITOutput, "generated_at")})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def parakeet_key(model: type[BaseModel], field: str) -> str:
    """The key parakeet uses for `model.field`."""
    irregular = _IRREGULAR.get((model, field))
    if irregular is not None:
        return irregular
    return field if model in _SNAKE_CASE_MODELS else _camel(field)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(_unwrap(arg) for arg in get_args(annotation) if arg is not type(None))
    return (annotation,)


# Reading: each annotation is compiled once into a converter that renames parakeet's keys in a
# value of that type. `None` means the value needs no renaming anywhere inside.
Convert = Callable[[Any], Any]


@cache
def _fields_from_parakeet(
    models: tuple[type[BaseModel], ...],
) -> dict[str, tuple[str, Convert | None]]:
    """parakeet key -> (our field name, its converter). Union members of ours share parakeet
    keys; the first model that knows a key wins."""
    table: dict[str, tuple[str, Convert | None]] = {}
    for model in models:
        for name, info in model.model_fields.items():
            if (model, name) not in _NOT_IN_PARAKEET:
                key = parakeet_key(model, name)
                table.setdefault(key, (name, _converter(info.annotation)))
    return table


def _model_renamer(models: tuple[type[BaseModel], ...]) -> Convert | None:
    table = _fields_from_parakeet(models)  # compiled eagerly: our models never nest themselves
    if all(key == name and convert is None for key, (name, convert) in table.items()):
        return None  # parakeet spells these models as we do, all the way down

    def rename(value: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in value.items():
            entry = table.get(key)
            if entry is None:
                out[key] = item
            else:
                name, convert = entry
                out[name] = item if convert is None else convert(item)
        return out

    return rename


def _values_converter(convert: Convert) -> Convert:
    return lambda value: {k: convert(v) for k, v in value.items()}


def _sequence_converter(sequence: Any) -> Convert | None:
    args = get_args(sequence)
    if get_origin(sequence) is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        converters = [_converter(arg) for arg in args]
        if all(c is None for c in converters):
            return None
        return lambda value: [
            item if convert is None else convert(item)
            for convert, item in zip(chain(converters, repeat(None)), value, strict=False)
        ]
    convert = _converter(args[0]) if args else None
    if convert is None:
        return None
    return lambda value: [convert(item) for item in value]


def _converter(annotation: Any) -> Convert | None:
    members = _union_members(_unwrap(annotation))
    models = tuple(m for m in members if _is_model(m))
    mapping = next((m for m in members if get_origin(m) in (dict, Mapping)), None)
    sequence = next((m for m in members if get_origin(m) in (tuple, list, Sequence)), None)
    on_mapping: Convert | None = None
    if models:
        on_mapping = _model_renamer(models)
    elif mapping is not None:
        value_converter = _converter(get_args(mapping)[1])
        on_mapping = None if value_converter is None else _values_converter(value_converter)
    on_list = None if sequence is None else _sequence_converter(sequence)
    if on_mapping is None and on_list is None:
        return None

    def convert(value: Any) -> Any:
        if type(value) is dict or isinstance(value, Mapping):
            return value if on_mapping is None else on_mapping(value)
        if isinstance(value, list):
            return value if on_list is None else on_list(value)
        return value

    return convert


def _read(model: type[M], data: object) -> M:
    return model.model_validate(_reader(model)(data))


@cache
def _reader(model: type[BaseModel]) -> Convert:
    return _converter(model) or (lambda value: value)


def _js_iso(moment: datetime) -> str:
    """`Date.prototype.toISOString()`: UTC, milliseconds, a trailing Z."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _to_parakeet_value(value: Any, keep_explicit_nulls: bool) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common leaves
        return value
    if kind is float:
        return int(value) if math.isfinite(value) and value.is_integer() else value
    if isinstance(value, BaseModel):
        return _model_to_parakeet(value, keep_explicit_nulls)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return _js_iso(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {
            (k.value if isinstance(k, Enum) else k): _to_parakeet_value(v, keep_explicit_nulls)
            for k, v in value.items()
        }
    if isinstance(value, (tuple, list)):
        return [_to_parakeet_value(item, keep_explicit_nulls) for item in value]
    return value


@cache
def _fields_to_parakeet(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """(our field name, parakeet key, written even when None) in field order."""
    return tuple(
        (
            name,
            parakeet_key(model, name),
            info.is_required() or (model, name) in _ALWAYS_WRITTEN,
        )
        for name, info in model.model_fields.items()
        if (model, name) not in _NOT_IN_PARAKEET
    )


def _model_to_parakeet(model: BaseModel, keep_explicit_nulls: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key, always in _fields_to_parakeet(type(model)):
        value = getattr(model, name)
        if value is None and not (
            always or (keep_explicit_nulls and name in model.model_fields_set)
        ):
            continue
        out[key] = _to_parakeet_value(value, keep_explicit_nulls)
    return out


def input_from_parakeet(data: object) -> JITInput:
    """Validate a parakeet-shaped `JITInput` (raises pydantic's ValidationError)."""
    return _read(JITInput, data)


def input_to_parakeet(value: JITInput) -> dict[str, Any]:
    """Parakeet's shape; nulls the caller gave explicitly are kept, unset keys are left out."""
    return _model_to_parakeet(value, keep_explicit_nulls=True)


def output_from_parakeet(data: object) -> JITOutput:
    return _read(JITOutput, data)


def output_to_parakeet(value: JITOutput) -> dict[str, Any]:
    return _model_to_parakeet(value, keep_explicit_nulls=False)


def adjustment_from_parakeet(data: object) -> JITAdjustment:
    return _read(JITAdjustment, data)


def adjustment_to_parakeet(value: JITAdjustment) -> dict[str, Any]:
    return _model_to_parakeet(value, keep_explicit_nulls=True)


def parakeet_path(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[int | str, ...]:
    """Translate a validation error location from our field names to parakeet's keys."""
    current: Any = model
    out: list[int | str] = []
    for part in loc:
        members = _union_members(_unwrap(current))
        owner = next(
            (
                m
                for m in members
                if _is_model(m) and isinstance(part, str) and part in m.model_fields
            ),
            None,
        )
        if owner is not None:
            out.append(parakeet_key(owner, str(part)))
            current = owner.model_fields[str(part)].annotation
            continue
        out.append(part)
        container = next((m for m in members if get_origin(m) in (dict, tuple, list)), None)
        if container is not None:
            args = [a for a in get_args(container) if a is not Ellipsis]
            current = args[-1] if args else Any
        # otherwise: a union tag or an unknown key; keep walking from where we are
    return tuple(out)
