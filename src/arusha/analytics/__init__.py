"""Integrity risk analytics on customs declaration data. Never imports Django."""
