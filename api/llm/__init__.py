"""The LLM layer's shell: instructor clients (`clients`), the deadline-bound adjustment source
(`source`), the source without a provider (`disabled`), the adjustment cache, the circuit
breaker, cost estimates and the wiring into strategies (`runtime`).

Nothing is imported here: the provider SDKs load only when `runtime.build_runtime` meets a
configured provider. Import the module you need.
"""
