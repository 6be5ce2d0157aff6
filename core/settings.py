"""Settings: one frozen object, built at the entry point and passed down.

Every field can come from the environment with the prefix ``OFSTED_ASSISTANT_``
and ``__`` between nested groups, for example ``OFSTED_ASSISTANT_DATA_DIR`` or
``OFSTED_ASSISTANT_STORE__MODE=http``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.limits import ParseLimits

_LIMITS = ParseLimits()  # the defaults of the parsing limits below


def default_data_dir() -> Path:
    """Per-user data directory: ``$XDG_DATA_HOME/ofsted-assistant`` or ``~/.local/share/...``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ofsted-assistant"


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StoreSettings(_Group):
    """Where chunks and documents are stored."""

    mode: Literal["embedded", "http"] = Field(
        "embedded",
        description="'embedded': Chroma on disk in the data directory; 'http': a Chroma server.",
    )
    host: str = Field("127.0.0.1", description="Chroma server host (http mode).")
    port: int = Field(8000, description="Chroma server port (http mode).", ge=1, le=65535)
    ssl: bool = Field(False, description="Use HTTPS to reach the Chroma server (http mode).")
    collection_prefix: str = Field(
        "ofsted",
        description="Prefix of the Chroma collection names (letters, digits, '-', '_').",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,60}$",
    )
    batch_size: int = Field(
        256, description="Chunks embedded and written to Chroma per batch.", ge=1, le=5000
    )


class EmbeddingSettings(_Group):
    """The embedding model."""

    mode: Literal["local"] = Field(
        "local",
        description="'local': all-MiniLM-L6-v2 (int8 ONNX) shipped by a PyPI package, offline.",
    )
    batch_size: int = Field(
        2,
        description=(
            "Texts per model call. Small batches are fastest on CPU here (bench/embed_batch.py:"
            " batch 2 embeds the ILACS reports in 40 s, batch 32 in 58 s; same vectors)."
        ),
        ge=1,
        le=512,
    )
    threads: int = Field(
        0,
        description=(
            "ONNX Runtime threads per call (0: one per core from the command line, one in the"
            " chat window, where calls run side by side)."
        ),
        ge=0,
    )


class IngestSettings(_Group):
    """How documents are read and split, and how far reading one file may go."""

    chunk_tokens: int = Field(200, description="Maximum tiktoken tokens per chunk.", ge=50, le=400)
    chunk_overlap: int = Field(30, description="Token overlap when a long block is split.", ge=0)
    max_uncompressed_mb: int = Field(
        _LIMITS.max_uncompressed_mb,
        description=(
            "Most a PDF's streams (together) or a Word file's parts may decompress to, in MB;"
            " checked before parsing (Ofsted reports decompress to under 2 MB)."
        ),
        ge=1,
    )
    max_docx_elements: int = Field(
        _LIMITS.max_docx_elements,
        description=(
            "Most XML elements (paragraphs, runs, table cells...) in a Word file's parts;"
            " checked before parsing (a 300-page report has a few hundred thousand)."
        ),
        ge=1,
    )
    max_pdf_pages: int = Field(
        _LIMITS.max_pdf_pages,
        description="Most pages of a PDF, checked before any page is read.",
        ge=1,
    )
    parse_memory_mb: int = Field(
        _LIMITS.memory_mb,
        description=(
            "Memory the process parsing one file may use beyond its start size, in MB"
            " (RLIMIT_AS); past it the parse is stopped and the file refused."
        ),
        ge=64,
    )
    parse_cpu_seconds: int = Field(
        _LIMITS.cpu_seconds,
        description=(
            "CPU seconds the process parsing one file may use (RLIMIT_CPU); past it the parse"
            " is stopped and the file refused."
        ),
        ge=1,
    )

    def parse_limits(self) -> ParseLimits:
        """The limits of parsing one file, for :mod:`ingest.worker`."""
        return ParseLimits(
            max_uncompressed_mb=self.max_uncompressed_mb,
            max_docx_elements=self.max_docx_elements,
            max_pdf_pages=self.max_pdf_pages,
            memory_mb=self.parse_memory_mb,
            cpu_seconds=self.parse_cpu_seconds,
        )


class RetrievalSettings(_Group):
    """How passages are retrieved."""

    k: int = Field(6, description="Passages given to the answerer.", ge=1, le=50)
    min_score: float = Field(
        0.25,
        description="Below this cosine similarity the best passage is treated as not relevant.",
        ge=-1.0,
        le=1.0,
    )


class LLMSettings(_Group):
    """How answers are written."""

    mode: Literal["extractive", "openai", "local"] = Field(
        "extractive",
        description=(
            "'extractive': quote the retrieved passages, no language model (offline); "
            "'openai': an OpenAI-compatible API (OpenAI, Azure, Ollama, vLLM, LM Studio...) "
            "at base_url; 'local': a llama.cpp server started on this machine for gguf_path."
        ),
    )
    model: str = Field("gpt-4o-mini", description="Model name sent to the API (openai mode).")
    base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (None: OpenAI).",
    )
    api_key: SecretStr | None = Field(
        None, description="API key (openai mode); when unset, OPENAI_API_KEY is read."
    )
    timeout: float = Field(60.0, description="Seconds to wait for one model request.", gt=0)
    max_retries: int = Field(2, description="Retries of a failed model request.", ge=0, le=10)
    temperature: float = Field(0.0, description="Sampling temperature.", ge=0.0, le=2.0)
    max_tokens: int = Field(600, description="Longest answer in tokens.", ge=16, le=8192)
    gguf_path: Path | None = Field(None, description="GGUF model file served in local mode.")
    local_host: str = Field("127.0.0.1", description="Address the local llama.cpp server binds.")
    local_port: int = Field(
        0, description="Port of the local llama.cpp server (0: pick a free one).", ge=0, le=65535
    )
    context_tokens: int = Field(
        4096, description="Context window of the local model in tokens.", ge=512, le=131072
    )


class UISettings(_Group):
    """The chat window (``ofsted-assistant serve``)."""

    host: str = Field(
        "127.0.0.1",
        description="Address the app binds. Anything but loopback needs a login (or --force).",
    )
    port: int = Field(7860, description="Port of the app.", ge=1, le=65535)
    username: str | None = Field(None, description="Login name (with password: login required).")
    password: SecretStr | None = Field(None, description="Login password (an editor).")
    accounts_file: Path | None = Field(
        None,
        description=(
            "JSON file of named accounts (name, role reader|editor, scrypt password hash), "
            "written by `ofsted-assistant accounts add`; set: login required."
        ),
    )
    login_failures: int = Field(
        5,
        description="Failed sign-ins from one address within login_window before it is refused.",
        ge=1,
    )
    login_window: float = Field(
        900.0, description="Seconds over which failed sign-ins are counted.", gt=0
    )
    login_lockout: float = Field(
        30.0,
        description="Seconds a refused address waits; doubles with each further failure (≤ 1 h).",
        gt=0,
    )
    max_upload_mb: int = Field(100, description="Largest file accepted by upload, in MB.", ge=1)
    concurrency: int = Field(
        8, description="Questions answered at the same time (more wait in the queue).", ge=1
    )
    queue_size: int = Field(200, description="Requests that may wait in the queue.", ge=1)
    upload_retention_minutes: int = Field(
        60,
        description=(
            "Minutes a file stays in the window's temporary folder: an upload that was never"
            " ingested, or a download's copy. Older ones are deleted at start, at each upload"
            " and every few minutes."
        ),
        ge=1,
    )


class Settings(BaseSettings):
    """All settings of the assistant."""

    model_config = SettingsConfigDict(
        env_prefix="OFSTED_ASSISTANT_",
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the index, documents and caches live.",
    )
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="Embedding model."
    )
    ingest: IngestSettings = Field(
        default_factory=IngestSettings, description="Reading, limits and chunking."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Retrieval."
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Answer mode.")
    ui: UISettings = Field(default_factory=UISettings, description="The chat window.")

    @property
    def chroma_dir(self) -> Path:
        """Directory of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def originals_dir(self) -> Path:
        """Copies of the ingested files, named by document id (the app links to them)."""
        return self.data_dir / "originals"

    @property
    def drafts_dir(self) -> Path:
        """Drafts written by the window, one folder each (deleted with their reports)."""
        return self.data_dir / "drafts"

    @property
    def window_files_dir(self) -> Path:
        """The window's temporary files (Gradio's uploads and download copies)."""
        return self.data_dir / "uploads-tmp"

    @property
    def cache_dir(self) -> Path:
        """Directory for caches (tokenizer files)."""
        return self.data_dir / "cache"
