"""Presentation only: rich and JSON views and the wizard's prompts; no decisions are made here."""
