"""The LLM layer's shell: instructor clients, the deadline-bound adjustment source, the
adjustment cache, the circuit breaker, cost estimates and the wiring into strategies."""

from api.llm.breaker import CircuitBreaker
from api.llm.cache import AdjustmentCache, MemoryAdjustmentCache, cache_key
from api.llm.clients import build_client
from api.llm.runtime import LlmRuntime, build_runtime, registry_for_source
from api.llm.source import DisabledSource, LlmAdjustmentSource

__all__ = [
    "AdjustmentCache",
    "CircuitBreaker",
    "DisabledSource",
    "LlmAdjustmentSource",
    "LlmRuntime",
    "MemoryAdjustmentCache",
    "build_client",
    "build_runtime",
    "cache_key",
    "registry_for_source",
]
