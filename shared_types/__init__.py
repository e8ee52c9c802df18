"""Boundary models shared by the engine and the shell. No logic beyond validation."""

from shared_types.adjustment import JITAdjustment
from shared_types.config import FormulaConfig, MrvMevConfig, WarmupProtocol
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.trace import PrescriptionTrace

__all__ = [
    "FormulaConfig",
    "JITAdjustment",
    "JITInput",
    "JITOutput",
    "MrvMevConfig",
    "PrescriptionTrace",
    "WarmupProtocol",
]
