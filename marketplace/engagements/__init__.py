"""Engagements: an SME and a provider from first contact to a recorded deal (see models)."""
