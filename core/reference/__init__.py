"""Reference data shipped with the package (CSV files, read with ``importlib.resources``).

The local authorities and their aliases and short forms, and the glossary; README.md gives
their sources and licences.
"""
