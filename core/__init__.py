"""The project's core, which every layer may import and which imports none of them.

Errors, settings, the domain vocabulary, the document and chunk data types, dates
written one way. ``ingest`` and ``vectorstore`` import only this (and themselves); the
layers are import-linter contracts in ``pyproject.toml``.
"""
