"""Organisations, people, roles, access helpers, audit log and the shared interface."""
