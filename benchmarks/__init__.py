"""Tools beside the service, not part of it: the engine benchmark (`engine`), the HTTP load test
(`api_load`) and the LLM layer's offline measurements (`llm`: a loopback server that never
answers, cache-hit timing, parakeet's LLM fixtures). `jit-engine bench`, `bench-api` and
`scripts/measure_llm.py` call them; the service never imports them.
"""
