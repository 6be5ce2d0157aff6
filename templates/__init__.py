"""Draft templates (``<name>.toml``), data only: ``assistant.drafting.templates`` loads them."""
