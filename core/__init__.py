"""The project's core: what every layer may import (domain vocabulary)."""
