"""The integrity indicators, each documented in its module and in base.REGISTRY."""
