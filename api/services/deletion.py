"""Deleting: a lifter's whole account (by the lifter or the admin), and single wrong entries
(a logged set, a max, a disruption, a rehab cap, a program). ADR 0011 records what goes with
what; nothing a deleted lifter owned is left in any table.

What follows from a deletion is computed, never patched: the weekly volume, the working 1RM
and the accessory history are read from the remaining set logs at the next request, and a
deleted max makes the one before it current again. Deleting a max, disruption, rehab cap or
program bumps the lifter's `config_version`, so no cached standing outlives it.
"""

from __future__ import annotations

from api.persistence.repositories import config, deletion, lifters, tokens
from api.persistence.repositories import sessions as session_repo
from api.persistence.repositories.rows import OwnedRow, own
from api.persistence.tables import DisruptionRow, RehabCapRow
from api.state import AppState
from shared_types.enums import Lift

__all__ = [
    "delete_disruption",
    "delete_lifter",
    "delete_max",
    "delete_program",
    "delete_rehab_cap",
    "delete_set",
]


def delete_lifter(state: AppState, lifter_id: str) -> None:
    """The lifter and everything it owns; its tokens are refused at once in this process."""
    with state.db.write() as unit:
        lifter = lifters.lock_lifter(unit, lifter_id)
        hashes = tokens.all_hashes(unit, lifter_id)
        deletion.delete_lifter(unit, lifter)
    state.tokens.forget(hashes)


def delete_set(state: AppState, lifter_id: str, session_id: str, set_id: str) -> None:
    with state.db.write() as unit:
        session_repo.own_session(unit, lifter_id, session_id, lock=True)
        deletion.delete_set(unit, lifter_id, session_id, set_id)


def delete_max(state: AppState, lifter_id: str, lift: Lift) -> None:
    """The lift's current max; the one recorded before it (if any) is current again."""
    with state.db.write() as unit:
        lifters.lock_lifter(unit, lifter_id)
        deletion.delete_newest_max(unit, lifter_id, lift)
        config.bump_config_version(unit, lifter_id)


def _delete_owned(
    state: AppState, lifter_id: str, table: type[OwnedRow], row_id: str, route: str
) -> None:
    """One of the lifter's disruptions or rehab caps, and the idempotency keys that made it."""
    with state.db.write() as unit:
        lifters.lock_lifter(unit, lifter_id)
        deletion.delete_row(unit, own(unit, table, lifter_id, row_id, lock=True))
        deletion.delete_keys_naming(unit, lifter_id, route, row_id)
        config.bump_config_version(unit, lifter_id)


def delete_disruption(state: AppState, lifter_id: str, disruption_id: str) -> None:
    _delete_owned(state, lifter_id, DisruptionRow, disruption_id, "disruptions")


def delete_rehab_cap(state: AppState, lifter_id: str, cap_id: str) -> None:
    _delete_owned(state, lifter_id, RehabCapRow, cap_id, "rehab-caps")


def delete_program(state: AppState, lifter_id: str, program_id: str) -> None:
    """The program (active or archived) with all its sessions and what was logged in them;
    the lifter is left without an active program if it was the active one."""
    with state.db.write() as unit:
        lifters.lock_lifter(unit, lifter_id)
        program = deletion.program_to_delete(unit, lifter_id, program_id)
        deletion.delete_program(unit, program)
        deletion.delete_keys_naming(unit, lifter_id, "programs", program_id)
        config.bump_config_version(unit, lifter_id)
