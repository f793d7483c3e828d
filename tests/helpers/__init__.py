"""Shared helpers for advisor's tests (imported as `helpers`, next to tests/conftest.py)."""
