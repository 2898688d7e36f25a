"""Strict image decoding: one place for it, used by the file checks and by the receipt stamp."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import ImageFile

_strict_lock = threading.Lock()


@contextmanager
def strict_image_decoding() -> Iterator[None]:
    """Pillow refuses truncated images inside this block. WeasyPrint sets the process-wide
    ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when imported (it pads a cut-off image with grey), so
    without this a received scan cut off in transit would pass the file checks, or be silently
    completed by the stamp, in any process that has rendered a PDF before."""
    with _strict_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous
