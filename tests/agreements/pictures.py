"""Render a PDF's first page to PNG for a human to look at (test artifacts)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def first_page_png(pdf: bytes, target: Path) -> Path | None:
    """The first page as PNG via pdftoppm (poppler-utils); None when pdftoppm is missing."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run([exe, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(src),
                        str(target.with_suffix(""))], check=True, timeout=60)
    return target
