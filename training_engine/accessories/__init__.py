"""Accessory work: configured accessories, history anchors, bodyweight compensation, top-ups."""

from training_engine.accessories.build import AccessoryPlan, build_accessories

__all__ = ["AccessoryPlan", "build_accessories"]
