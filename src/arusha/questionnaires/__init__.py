"""Versioned, translatable question sets shared by assessments and surveys."""
