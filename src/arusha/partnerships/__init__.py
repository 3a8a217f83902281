"""Agreements with the private sector, their commitments, joint action plans and activities."""
