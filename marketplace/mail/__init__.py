"""Outgoing e-mail through a durable outbox table."""
