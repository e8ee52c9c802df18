"""The feedback loop's pure core: what a finished session shows, and what the engine learns from it.

`outcomes.session_outcome` turns a prescription and its logged main sets into a `SessionOutcome`;
`calibration.learn` folds a learnable outcome into the lifter's modifier calibrations and
`load_calibration.learn_load` into their load correction for its intensity type
([docs/domain/feedback.md](../../docs/domain/feedback.md)).
"""
