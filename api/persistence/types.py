"""Column types shared by the tables: UTC timestamps and JSON (JSONB on PostgreSQL).

A JSON column takes a Python value (serialised with `json.dumps`) or a `RawJson`: text that is
already JSON (e.g. a model's `model_dump_json()`), stored as it is, so a document is written
once. Both engines get `dump_json` as their `json_serializer`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["JsonColumn", "RawJson", "UtcDateTime", "dump_json"]

JsonColumn = JSON().with_variant(JSONB(), "postgresql")


class RawJson(str):
    """Text that is already JSON: a JSON column stores it without serialising it again."""

    __slots__ = ()


def dump_json(value: Any) -> str:
    return value if isinstance(value, RawJson) else json.dumps(value)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite keeps no time zone: values are stored as naive UTC and come back marked UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
