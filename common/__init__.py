"""Leaf helpers that both ``models`` and ``mentoring`` build on: enums, translation,
the clock, month arithmetic, formatting, identifiers and the domain's error types.

Nothing here imports the rest of the project.
"""
