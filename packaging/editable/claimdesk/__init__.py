"""Claimdesk: annotate claims in news articles.

The product card keeps the source folders `core/` and `gui/` at the top of the repository; they
are installed as `claimdesk.core` and `claimdesk.gui`. A wheel maps them there (pyproject.toml,
`[tool.hatch.build.targets.wheel.sources]`); an editable install puts `packaging/editable` on the
path, where `core` and `gui` are links to the folders at the top.
"""
