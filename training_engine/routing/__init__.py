"""The routing policy's pure core (issue 11): which strategy serves a generation and why.

`rules` resolves the rule at three levels, `gate` says when the formula is already confident,
`rollout` buckets lifters and orders phases, `slo` judges a rollout's candidate against its
control, `budget` reserves and settles spend, and `decide` puts them together in one documented
order. No clock, randomness or I/O: time, ids, counts and health come in as arguments.
"""
