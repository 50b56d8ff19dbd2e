"""Claimdesk core: the product without a screen (models, store, import, edits, CLI)."""
