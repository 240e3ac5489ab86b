"""Keeping uploaded files: content-addressed copies under the data folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from agent.errors import MiniAgentError

CHUNK = 1 << 20


class UploadTooLarge(MiniAgentError):
    """The file is over the configured upload limit."""


@dataclass(frozen=True)
class StoredFile:
    """A kept file: where it is, its size and its SHA-256."""

    path: Path
    size_bytes: int
    sha256: str


def uploads_dir(data_dir: Path) -> Path:
    """Where uploaded files are kept."""
    return data_dir.expanduser().resolve() / "uploads"


def store_file(data_dir: Path, name: str, source: BinaryIO, *, max_bytes: int) -> StoredFile:
    """Copy `source` to `uploads/<sha256>/<name>`, hashing as it streams; same bytes, one copy."""
    folder = uploads_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, prefix=".incoming-") as tmp:
        try:
            while block := source.read(CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise UploadTooLarge(
                        f"The file is larger than the upload limit of {max_bytes / 1e6:.0f} MB "
                        "(MINI_AGENT_MAX_UPLOAD_MB)."
                    )
                digest.update(block)
                tmp.write(block)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    sha = digest.hexdigest()
    target = folder / sha / safe_name(name)
    if target.exists():
        os.unlink(tmp.name)
    else:
        target.parent.mkdir(exist_ok=True)
        shutil.move(tmp.name, target)
    return StoredFile(target, size, sha)


def safe_name(name: str) -> str:
    """A file name with no folder parts, so an upload cannot escape its folder."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return base[:200] or "upload"
