"""Prompt files (``<name>-v<n>.toml``), data only: ``assistant.prompts`` loads them by name."""
