"""Datasets out and in: one module per format, sharing core/formats/base.py."""
