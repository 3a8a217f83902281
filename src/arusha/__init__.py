"""Arusha: an integrity platform for Customs administrations and their private-sector partners."""

__version__ = "0.1.0"
