"""Use cases of the HTTP API: each opens one unit of work, loads, decides, stores, returns."""
