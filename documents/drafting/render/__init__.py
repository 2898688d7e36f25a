"""The official renderer for outgoing letters (issue 5 §2): PDFs of letters, file copies, envelopes,
address labels and the delivery book. Pure functions of plain data; see docs/rendering.md."""

from documents.drafting.render.books import render_delivery_book
from documents.drafting.render.envelopes import render_envelope, render_labels
from documents.drafting.render.filecopy import render_file_copy
from documents.drafting.render.layout import (
    ENVELOPE_SIZES,
    LETTER_FORMS,
    SECRECY_MARKS,
    URGENCY_MARKS,
    DeliveryRow,
    EnvelopeLayout,
    FileCopyPerson,
    LetterLayout,
)
from documents.drafting.render.letter import RenderError, render_letter, render_letter_html

__all__ = [
    "ENVELOPE_SIZES", "LETTER_FORMS", "SECRECY_MARKS", "URGENCY_MARKS", "DeliveryRow", "EnvelopeLayout",
    "FileCopyPerson", "LetterLayout", "RenderError", "render_delivery_book", "render_envelope",
    "render_file_copy", "render_labels", "render_letter", "render_letter_html",
]
