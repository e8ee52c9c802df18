"""The one base class for boundary models (frozen, unknown keys rejected), and trusted
construction for the values the engine builds itself.

`trusted(Model, **fields)` skips validation: the engine's own numbers are already in range, and
validating ~35 models per session was a large share of a generation's cost. The fields must be
exactly what validation would keep (floats as floats, tuples as tuples, enums as enums, nested
models already built); a call that gives every field gives them in declaration order (the order
serialisation follows). Tests turn `check_trusted(True)` on: every trusted construction is then
also validated, and any difference from the validated model (values, types or field order)
raises `TrustedModelMismatch`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Frozen", "TrustedModelMismatch", "check_trusted", "trusted"]

P = ParamSpec("P")
M = TypeVar("M", bound=BaseModel)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class TrustedModelMismatch(AssertionError):
    """A trusted construction differs from what validation makes of the same fields."""


_checking = False
_templates: dict[type[BaseModel], tuple[dict[str, Any], set[str], int]] = {}
_new = object.__new__
# The model's slots, set through their descriptors (cheaper than object.__setattr__).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def check_trusted(enabled: bool) -> None:
    """Validate every trusted construction too (the test suite runs with this on)."""
    global _checking  # noqa: PLW0603 - a switch the caller sets, read on every construction
    _checking = enabled


def _template(model: type[BaseModel]) -> tuple[dict[str, Any], set[str], int]:
    """Every field in declaration order (the order validation and serialisation use), holding
    its default (required fields hold a placeholder the caller's value replaces), and the set of
    every field name (the fields-set of a model built with every field, shared: frozen models
    never change it, and copies copy it), and how many fields there are."""
    fields = model.model_fields
    if any(info.default_factory is not None for info in fields.values()):
        raise TypeError(f"{model.__name__}: a default factory cannot be shared by trusted copies")
    template = {name: info.get_default() for name, info in fields.items()}
    _templates[model] = template, set(template), len(template)
    return _templates[model]


def trusted(model: Callable[P, M], /, *args: P.args, **fields: P.kwargs) -> M:
    """`model(**fields)` without validation (typed like the model's constructor)."""
    cls: type[M] = model  # type: ignore[assignment]  # always a model class
    template, every_field, count = _templates.get(cls) or _template(cls)
    if len(fields) == count:
        values: dict[str, Any] = fields  # every field given: the keyword dict is the model's
        fields_set = every_field
    else:
        values = template.copy()  # declaration order, defaults for what is not given
        values.update(fields)
        fields_set = set(fields)
    built: M = _new(cls)
    _set_dict(built, values)
    _set_fields_set(built, fields_set)
    _set_extra(built, None)
    _set_private(built, None)
    if _checking:
        _check(cls, built, args, fields)
    return built


def _check(cls: type[M], built: M, args: tuple[Any, ...], fields: dict[str, Any]) -> None:
    validated = cls(*args, **fields)
    if (
        repr(validated) != repr(built)
        or validated.model_fields_set != built.model_fields_set
        or args
    ):
        raise TrustedModelMismatch(f"trusted {built!r} != validated {validated!r}")
