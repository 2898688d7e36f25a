"""HTML → PDF for outgoing letters: packaged Sarabun only, a URL fetcher that serves nothing but our own
assets, the /ActualText text-layer fix, tagged PDF/A output. Pure: no database, no network.

Built on documents.registry.stamp (same fonts, same per-thread FontConfiguration, same ActualText patch)
so a receipt stamp and an outgoing letter are laid out by one engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from documents.registry.stamp import (
    FONT_FAMILY,
    font_face_css,
    install_weasyprint_actualtext_patch_process_wide,
    sarabun_font_path_for_url,
    thread_font_config,
)

ASSET_SCHEME = "eoffice-asset"
# PDF/A-3 level U with WeasyPrint's structure tags on: archivable (fonts embedded, sRGB output intent,
# XMP with pdfaid) and tagged (/StructTreeRoot, /MarkInfo). Level A is not claimed: WeasyPrint's tags
# are not checked against PDF/UA here. See docs/rendering.md.
PDF_VARIANT = "pdf/a-3u"
PDF_OPTIONS = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}

logger = logging.getLogger(__name__)


@dataclass
class Assets:
    """The only non-font resources one render may load: name → (bytes, content type)."""

    items: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def add(self, name: str, body: bytes, content_type: str) -> str:
        self.items[name] = (bytes(body), content_type)
        return f"{ASSET_SCHEME}:{name}"


_fetcher_class = None


def locked_fetcher(assets: Assets | None = None):  # type: ignore[no-untyped-def]
    """A WeasyPrint URL fetcher that serves the packaged Sarabun fonts and the named in-memory assets of
    this render, and refuses everything else (http(s), file:// elsewhere, data:, ../ tricks)."""
    global _fetcher_class
    if _fetcher_class is None:
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class LockedFetcher(URLFetcher):
            def __init__(self, assets: Assets, **kwargs):  # type: ignore[no-untyped-def]
                super().__init__(**kwargs)
                self._assets = assets

            def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
                if url.startswith(f"{ASSET_SCHEME}:"):
                    item = self._assets.items.get(url[len(ASSET_SCHEME) + 1:])
                    if item is not None:
                        return URLFetcherResponse(url, body=item[0], headers={"Content-Type": item[1]})
                path = sarabun_font_path_for_url(url)
                if path is not None:
                    return URLFetcherResponse(
                        path.as_uri(), body=path.read_bytes(), headers={"Content-Type": "font/ttf"}
                    )
                logger.info("letter renderer refused a URL: %s", url[:80])
                raise ValueError(f"URL refused (the letter renderer loads only its own assets): {url[:80]}")

        _fetcher_class = LockedFetcher
    return _fetcher_class(assets or Assets(), allowed_protocols=(), allow_redirects=False)


def render_document(html: str, assets: Assets | None = None):  # type: ignore[no-untyped-def]
    """HTML → laid-out WeasyPrint Document (fonts: packaged Sarabun only; URLs: ``assets`` only)."""
    from weasyprint import HTML

    install_weasyprint_actualtext_patch_process_wide()
    return HTML(string=html, url_fetcher=locked_fetcher(assets), base_url=None).render(
        font_config=thread_font_config(), **PDF_OPTIONS
    )


def write_pdf(document) -> bytes:  # type: ignore[no-untyped-def]
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(html: str, assets: Assets | None = None) -> bytes:
    return write_pdf(render_document(html, assets))


def base_css() -> str:
    """@font-face rules for the packaged Sarabun, as the PDF templates include them."""
    return font_face_css()


__all__ = ["FONT_FAMILY", "PDF_OPTIONS", "PDF_VARIANT", "Assets", "base_css", "locked_fetcher",
           "render_document", "render_pdf", "write_pdf"]
