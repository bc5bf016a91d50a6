"""Accounts: sign-up, log-in, password reset and change."""
