"""Evidence files of payouts: PDF, JPEG or PNG, checked from their content, stored
outside the web root under a name of our own."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from donations.errors import InvalidField

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
_SAFE_NAME = re.compile(r"^[^/\\\x00:]{1,160}$")
MAX_NAME = 160
# Extensions a name may keep for each content type; the first is the one given.
_EXTENSIONS = {"application/pdf": ("pdf",), "image/jpeg": ("jpg", "jpeg"), "image/png": ("png",)}


@dataclass(frozen=True)
class StoredEvidence:
    path: str  # relative to the evidence directory
    mime: str
    sha256: str
    original_name: str


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in _SIGNATURES:
        if content.startswith(magic):
            return mime, ext
    return None


def name_for(filename: str, mime: str) -> str:
    """The uploader's name with an extension that says what the content is: a browser
    or a desktop that trusts the extension must not open a PNG called evil.html as a page."""
    stem, dot, ext = filename.rpartition(".")
    allowed = _EXTENSIONS.get(mime, ("bin",))
    if dot and stem and ext.lower() in allowed:
        return filename
    base = stem if dot and stem else filename
    suffix = f".{allowed[0]}"
    return base[: MAX_NAME - len(suffix)] + suffix


def check_and_store(directory: Path, filename: str, content: bytes) -> StoredEvidence:
    """Refuse a path in the name, an oversize file, or content that is not PDF/JPEG/PNG."""
    name = filename.strip()
    if not name or not _SAFE_NAME.match(name) or name in (".", ".."):
        raise InvalidField("The file name must not contain a path.", field="evidence")
    if len(content) == 0:
        raise InvalidField("The evidence file is empty.", field="evidence")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise InvalidField("The evidence file is larger than 5 MB.", field="evidence")
    kind = sniff(content)
    if kind is None:
        raise InvalidField("Evidence must be a PDF, JPEG or PNG file.", field="evidence")
    mime, ext = kind
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{ext}"
    path = directory / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return StoredEvidence(stored, mime, hashlib.sha256(content).hexdigest(), name_for(name, mime))
