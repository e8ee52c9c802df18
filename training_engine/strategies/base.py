"""The strategy contract: something that turns a `JITInput` into a `JITOutput`.

Strategies are async because some wait on the outside world (a model); the formula strategy
does not. A strategy never raises for a valid input: failures become a labelled fallback.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput

__all__ = ["Strategy"]


@runtime_checkable
class Strategy(Protocol):
    @property
    def name(self) -> str: ...

    async def generate(self, inp: JITInput) -> JITOutput: ...
