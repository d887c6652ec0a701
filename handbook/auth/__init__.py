"""Accounts, login, activation codes, API tokens."""
