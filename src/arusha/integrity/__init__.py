"""Integrity risk analytics in the platform: upload declarations, store and review the leads."""
