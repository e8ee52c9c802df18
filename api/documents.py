"""Reading and writing JSON documents of sessions in our native shape or parakeet's.

Errors tree (this module):

    DocumentError          the document cannot be used; `problems` lists (path, message)
      ├─ bad JSON          path is "line L, column C"
      └─ invalid items     path is the field path inside the item, e.g. [2].sleep_quality

A problem never carries a traceback; it says what is wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared_types.adjustment import JITAdjustment
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.parakeet import (
    adjustment_from_parakeet,
    input_from_parakeet,
    output_to_parakeet,
    parakeet_path,
)

__all__ = [
    "DocumentError",
    "Format",
    "Problem",
    "dump_outputs",
    "load_adjustments",
    "load_inputs",
    "render_json",
]

M = TypeVar("M", bound=BaseModel)


class Format(StrEnum):
    NATIVE = "native"
    PARAKEET = "parakeet"


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DocumentError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


def _path(parts: Sequence[int | str]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problems(
    exc: ValidationError, model: type[BaseModel], fmt: Format, prefix: Sequence[int | str]
) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if fmt is Format.PARAKEET:
            loc = parakeet_path(model, loc)
        message = str(error["msg"])
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(Problem(_path((*prefix, *loc)), message))
    return problems


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [Problem(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}")]
        ) from None


def _load_many(
    text: str,
    model: type[M],
    read_parakeet: Callable[[object], M],
    fmt: Format,
) -> tuple[list[M], bool]:
    data = _parse_json(text)
    is_array = isinstance(data, list)
    items = data if is_array else [data]
    if is_array and not items:
        raise DocumentError([Problem("", "the array is empty: nothing to generate")])
    values: list[M] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        prefix: tuple[int | str, ...] = (index,) if is_array else ()
        if not isinstance(item, dict):
            problems.append(Problem(_path(prefix) or "document", "expected a JSON object"))
            continue
        try:
            values.append(
                read_parakeet(item) if fmt is Format.PARAKEET else model.model_validate(item)
            )
        except ValidationError as exc:
            problems.extend(_problems(exc, model, fmt, prefix))
    if problems:
        raise DocumentError(problems)
    return values, is_array


def load_inputs(text: str, fmt: Format) -> tuple[list[JITInput], bool]:
    """One input object or an array of them; (inputs, whether it was an array)."""
    return _load_many(text, JITInput, input_from_parakeet, fmt)


def load_adjustments(text: str, fmt: Format) -> tuple[list[JITAdjustment], bool]:
    return _load_many(text, JITAdjustment, adjustment_from_parakeet, fmt)


def dump_outputs(outputs: Sequence[JITOutput], fmt: Format, as_array: bool) -> Any:
    if fmt is Format.PARAKEET:
        docs: list[Any] = [output_to_parakeet(o) for o in outputs]
    else:
        docs = [o.model_dump(mode="json") for o in outputs]
    return docs if as_array else docs[0]


def render_json(document: Any) -> str:
    """Stable, human-readable JSON: the same document always renders to the same bytes."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
