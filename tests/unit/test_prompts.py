import pytest

from assistant.prompts import load_prompts
from core.errors import ConfigError


def test_prompt_renders_and_missing_variable_raises():
    p = load_prompts("extractive-v1")
    assert "care" in p.render("refusal", question="care")
    with pytest.raises(ConfigError, match="needs question"):
        p.render("refusal")


def test_unknown_prompt_file_is_a_config_error():
    with pytest.raises(ConfigError, match="not found"):
        load_prompts("no-such-prompt-v9")
