"""One step per signal; `training_engine.pipeline.run.MAIN_LIFT_STEPS` lists them in order."""
