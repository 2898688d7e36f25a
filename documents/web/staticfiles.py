"""pdf.js (``pdfjs-dist`` from the npm lockfile) as static files: only what the in-page preview loads,
under ``vendor/pdfjs/`` — the library and its worker (minified), the standard fonts and the no-wasm
image decoders (the CSP allows no wasm eval), with their licences. The package's source maps and
unminified builds (~12 MB) are left out so collectstatic does not compress them."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/pdfjs"
WANTED = ("LICENSE", "build/pdf.min.mjs", "build/pdf.worker.min.mjs", "standard_fonts/*", "wasm/*_nowasm_fallback.js",
          "wasm/LICENSE*")


def package_root() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "pdfjs-dist"


class PdfjsFinder(BaseFinder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        self.root = package_root()
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]

    def _files(self) -> list[str]:
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root).as_posix()
            if path.is_file() and any(fnmatch.fnmatchcase(rel, pattern) for pattern in WANTED):
                found.append(rel)
        return found

    def find(self, path: str, find_all: bool = False, **kwargs: object) -> str | list[str]:
        if not path.startswith(PREFIX + "/"):
            return [] if find_all else ""
        rel = path[len(PREFIX) + 1:]
        if rel in self._files():
            full = str(self.root / rel)
            return [full] if find_all else full
        return [] if find_all else ""

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for rel in self._files():
            yield rel, self.storage
