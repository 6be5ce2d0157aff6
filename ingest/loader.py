"""Load documents: read a file, check its type, parse, clean, segment, read metadata."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from core.documents import DocumentMeta, FileType, ParsedDocument
from core.errors import EmptyDocumentError, IngestError
from core.limits import ParseLimits
from ingest.limits import check_content
from ingest.parsers import parse_bytes
from ingest.sniff import EXTENSIONS, detect_type
from ingest.structure import segment

logger = logging.getLogger(__name__)

MetaExtractor = Callable[[str, FileType, str], DocumentMeta]

MB = 1024 * 1024
# Larger files are refused before they are read, so memory stays bounded. A text
# file of 20 MB is some 10,000 pages, about 22,000 chunks to embed; the longest
# Ofsted reports are a few hundred pages. PDFs and Word files carry images too.
MAX_TEXT_FILE_BYTES = 20 * MB
MAX_FILE_BYTES = 200 * MB
# Cleaned text longer than this (from a PDF or Word file) is refused too.
MAX_TEXT_CHARS = 20_000_000


def load_document(
    path: Path,
    source: str,
    *,
    meta_extractor: MetaExtractor | None = None,
    limits: ParseLimits | None = None,
) -> ParsedDocument:
    """Read one file into a :class:`ParsedDocument`.

    Args:
        path: The file to read.
        source: How the document is named to users (path relative to the folder
            given to ingest, or the file name).
        meta_extractor: Reads title, publisher, date, authorities and kind from
            the cleaned text; defaults to :func:`ingest.metadata.extract_metadata`.
        limits: How far a PDF or Word file may expand (:mod:`ingest.limits`); the
            defaults of :class:`ParseLimits` when not given.

    Returns:
        The parsed document; ``doc_id`` is the sha256 of the file's bytes.

    Raises:
        IngestError: The file cannot be read, is too large (see ``MAX_FILE_BYTES``,
            ``MAX_TEXT_FILE_BYTES``, ``MAX_TEXT_CHARS``), is of an unsupported type,
            or holds no usable text (subclasses say which); ``LimitError`` when it
            would expand past ``limits``.
    """
    limits = limits or ParseLimits()
    check_size(path)
    data = read_bytes(path)
    file_type = detect_type(data, path.name)
    check_content(data, file_type, limits)
    cleaned = parse_bytes(data, file_type, limits)
    if not cleaned.text.strip():
        raise EmptyDocumentError("no text found in the file")
    if len(cleaned.text) > MAX_TEXT_CHARS:
        raise IngestError(
            f"too large: {len(cleaned.text):,} characters of text"
            f" (the limit is {MAX_TEXT_CHARS:,}); split the document"
        )
    blocks = segment(cleaned, file_type)
    extract = meta_extractor or _default_extractor()
    meta = extract(cleaned.text, file_type, source)
    if meta.title is None and file_type in ("md", "html", "docx") and blocks:
        first = blocks[0]
        heading = cleaned.text[first.start : first.end].strip()
        if first.kind == "heading" and 3 <= len(heading) <= 200:
            meta = dataclasses.replace(meta, title=heading)  # its own first heading
    logger.debug("loaded %s: %d chars, %d blocks", source, len(cleaned.text), len(blocks))
    return ParsedDocument(
        doc_id=hashlib.sha256(data).hexdigest(),
        source=source,
        file_type=file_type,
        text=cleaned.text,
        pages=cleaned.pages,
        blocks=blocks,
        meta=meta,
    )


def check_size(path: Path) -> None:
    """Refuse a file too large to index, before reading it (missing files pass)."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_bytes says why it cannot be read
    text = EXTENSIONS.get(path.suffix.lower()) in ("txt", "md", "html")
    limit = MAX_TEXT_FILE_BYTES if text else MAX_FILE_BYTES
    if size > limit:
        what = "a text file" if text else "a file"
        raise IngestError(
            f"too large: {size / MB:.1f} MB (the limit for {what} is {limit // MB} MB);"
            " split the document"
        )


def read_bytes(path: Path) -> bytes:
    """A file's bytes, with OS errors turned into one-line :class:`IngestError` s."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError("cannot read file: no such file") from exc
    except PermissionError as exc:
        raise IngestError("cannot read file: permission denied") from exc
    except IsADirectoryError as exc:
        raise IngestError("cannot read file: it is a directory") from exc
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc


def iter_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Expand files and folders into ``(path, source)`` pairs, in a stable order.

    As :func:`find_files`; links out of a folder are skipped with a logged warning.
    """
    found, skipped = find_files(paths)
    for source, reason in skipped:
        logger.warning("skipped %s: %s", source, reason)
    return found


def find_files(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Files to ingest as ``(path, source)`` pairs, and skipped links as ``(source, reason)``.

    Folders are walked recursively in sorted order; hidden files and folders
    (``.git``) and Office lock files (``~$...``) are skipped. Files of any
    extension are returned, so the caller can report unsupported ones.
    ``source`` is the path relative to the folder given, or the file's name.
    A symbolic link inside a folder that leads out of it (to a file or a folder)
    is never followed: it is returned with the reason instead. A file named on
    its own is read wherever it is.
    """
    found: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            files, links = _walk(given)
            pairs = [(file, file.relative_to(given).as_posix()) for file in files]
            skipped += [(link.relative_to(given).as_posix(), why) for link, why in links]
        else:
            pairs = [(given, given.name)]
        for file, source in pairs:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append((file, source))
    return found, skipped


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files under ``folder`` (links out of it not followed), and the links skipped."""
    base = folder.resolve()
    files: list[Path] = []
    links: list[tuple[Path, str]] = []
    for root, dirs, names in os.walk(folder):  # never descends into a linked folder
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *names]:
            path = here / name
            if _skipped(name) or not path.is_symlink():
                continue
            target = path.resolve()
            if not target.is_relative_to(base):
                kind = "folder" if target.is_dir() else "file"
                links.append((path, f"symbolic link to a {kind} outside the folder: not followed"))
        out = {link for link, _ in links}
        files += [here / n for n in sorted(names) if not _skipped(n) and here / n not in out]
    return sorted(files, key=lambda file: file.relative_to(folder).as_posix()), sorted(links)


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$"))


def _default_extractor() -> MetaExtractor:
    from ingest.metadata import extract_metadata

    return extract_metadata
