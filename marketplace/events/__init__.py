"""Matchmaking events: scheduling the meetings that participants asked for."""
