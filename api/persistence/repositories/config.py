"""A lifter's settings and configs: strategy, formula overrides, landmarks, warm-ups, rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import update
from sqlmodel import col, delete, select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import (
    LifterSettingsRow,
    RestOverrideRow,
    VolumeLandmarkRow,
    WarmupConfigRow,
)
from shared_types.config import VolumeLandmark, WarmupProtocol
from shared_types.enums import Lift, MuscleGroup
from shared_types.inputs import RestOverride

__all__ = [
    "bump_config_version",
    "landmark_overrides",
    "replace_landmarks",
    "replace_rest_overrides",
    "replace_warmups",
    "rest_overrides",
    "settings_row",
    "warmup_configs",
]


def bump_config_version(unit: Unit, lifter_id: str) -> None:
    """Marks the lifter's cached maxes, configs, disruptions and rehab caps as stale."""
    unit.exec(
        update(LifterSettingsRow)
        .where(col(LifterSettingsRow.lifter_id) == lifter_id)
        .values(config_version=col(LifterSettingsRow.config_version) + 1)
    )


def settings_row(unit: Unit, lifter_id: str) -> LifterSettingsRow:
    row = unit.get(LifterSettingsRow, lifter_id)
    if row is None:  # provisioning creates it; a lifter made by hand still gets the defaults
        raise NotFound("lifter settings not found")
    return row


def landmark_overrides(unit: Unit, lifter_id: str) -> dict[MuscleGroup, VolumeLandmark]:
    rows = unit.exec(select(VolumeLandmarkRow).where(VolumeLandmarkRow.lifter_id == lifter_id))
    return {MuscleGroup(r.muscle): VolumeLandmark(mev=r.mev_sets, mrv=r.mrv_sets) for r in rows}


def replace_landmarks(
    unit: Unit, lifter_id: str, overrides: Mapping[MuscleGroup, VolumeLandmark]
) -> None:
    bump_config_version(unit, lifter_id)
    unit.exec(delete(VolumeLandmarkRow).where(col(VolumeLandmarkRow.lifter_id) == lifter_id))
    unit.add_all(
        VolumeLandmarkRow(
            lifter_id=lifter_id, muscle=muscle.value, mev_sets=mark.mev, mrv_sets=mark.mrv
        )
        for muscle, mark in overrides.items()
    )


def warmup_configs(unit: Unit, lifter_id: str) -> dict[Lift, WarmupConfigRow]:
    rows = unit.exec(select(WarmupConfigRow).where(WarmupConfigRow.lifter_id == lifter_id))
    return {Lift(r.lift): r for r in rows}


def replace_warmups(unit: Unit, lifter_id: str, warmups: Mapping[Lift, WarmupProtocol]) -> None:
    bump_config_version(unit, lifter_id)
    unit.exec(delete(WarmupConfigRow).where(col(WarmupConfigRow.lifter_id) == lifter_id))
    unit.add_all(
        WarmupConfigRow(
            lifter_id=lifter_id, lift=lift.value, protocol=protocol.model_dump(mode="json")
        )
        for lift, protocol in warmups.items()
    )


def rest_overrides(unit: Unit, lifter_id: str) -> list[RestOverrideRow]:
    return list(
        unit.exec(
            select(RestOverrideRow)
            .where(RestOverrideRow.lifter_id == lifter_id)
            .order_by(col(RestOverrideRow.id))
        ).all()
    )


def replace_rest_overrides(unit: Unit, lifter_id: str, overrides: Sequence[RestOverride]) -> None:
    bump_config_version(unit, lifter_id)
    unit.exec(delete(RestOverrideRow).where(col(RestOverrideRow.lifter_id) == lifter_id))
    unit.add_all(
        RestOverrideRow(
            lifter_id=lifter_id,
            lift=item.lift.value if item.lift else None,
            intensity_type=item.intensity_type.value if item.intensity_type else None,
            rest_seconds=item.rest_seconds,
        )
        for item in overrides
    )
