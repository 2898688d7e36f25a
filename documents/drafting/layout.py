"""From a draft's version (and, once it is ready to sign, its registry entry) to what the renderer and
the DOCX/PDF placeholders need: the one place that decides what is printed where."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from documents.drafting.fields import lines
from documents.models import Draft, DraftForm, DraftRecipient, DraftVersion, RecipientRole, RegistryEntry
from eoffice.common.thaidate import thai_date, to_thai_digits
from tenants.models import Agency

DRAFT_WATERMARK = "ร่าง"


def number_text(entry: RegistryEntry | None) -> str:
    """The printed ที่ without its label: "นม 52301/45" (an order's "15/2569")."""
    if entry is None:
        return ""
    ref = entry.reference or entry.number_label
    return ref.split("ที่ ", 1)[1].strip() if "ที่ " in ref else ref


def letter_date(entry: RegistryEntry | None) -> dt.date | None:
    return timezone.localtime(entry.registered_at).date() if entry is not None else None


def placeholder_values(agency: Agency, entry: RegistryEntry, subject: str) -> dict[str, str]:
    """{ที่} {วันที่} {เรื่อง} of a DOCX draft, as the agency prints them."""
    number = number_text(entry)
    date = thai_date(letter_date(entry), thai_digits=agency.use_thai_digits)
    if agency.use_thai_digits:
        number = to_thai_digits(number)
    return {"ที่": number, "วันที่": date, "เรื่อง": subject}


def verify_url(draft: Draft) -> str | None:
    if not draft.verify_token:
        return None
    base = (getattr(settings, "EOFFICE_SITE_URL", "") or "").rstrip("/")
    return f"{base}/verify/{draft.verify_token}"


def _emblem(agency: Agency) -> tuple[bytes | None, str]:
    if not agency.emblem:
        return None, ""
    try:
        with agency.emblem.open("rb") as fh:
            data = fh.read(2 * 1024 * 1024 + 1)
    except OSError:
        return None, ""
    if len(data) > 2 * 1024 * 1024:
        return None, ""
    name = agency.emblem.name.lower()
    kind = "image/svg+xml" if name.endswith(".svg") else "image/png" if name.endswith(".png") else "image/jpeg"
    return data, kind


def _recipient_line(fields: dict, recipients: list[DraftRecipient]) -> str:
    if fields.get("recipient_line"):
        return fields["recipient_line"]
    to = [r.name for r in recipients if r.role == RecipientRole.TO]
    return " ".join(to[:1]) if len(to) == 1 else "ตามบัญชีรายชื่อแนบท้าย" if len(to) > 3 else ", ".join(to)


def letter_layout(*, agency: Agency, draft: Draft, version: DraftVersion, recipients: list[DraftRecipient],
                  entry: RegistryEntry | None, final: bool):  # type: ignore[no-untyped-def]
    """The renderer's ``LetterLayout`` for this version: a draft (no number, date blank, watermark "ร่าง")
    or the final version (number, date and the verification QR code)."""
    from documents.drafting.render import LetterLayout  # WeasyPrint: load on use

    f = version.fields
    emblem, emblem_type = _emblem(agency)
    contact = [label + f[key] for key, label in (("contact_phone", "โทร "), ("contact_fax", "โทรสาร "),
                                                 ("contact_email", "อีเมล ")) if f.get(key)]
    unit = draft.owner_unit
    authority = f.get("authority") or agency.name_th
    return LetterLayout(
        form=draft.form, agency_name=agency.name_th,
        agency_address=getattr(agency, "address", "") or " ".join(p for p in (agency.district, agency.province) if p),
        issuing_unit=unit.name_th if unit else "", number_text=number_text(entry) if final else "",
        letter_date=letter_date(entry) if final else None, thai_digits=agency.use_thai_digits,
        subject=version.subject, salutation=f.get("salutation", "เรียน"),
        recipient=_recipient_line(f, recipients), refers_to=lines(f.get("refers_to", "")),
        enclosures=lines(f.get("enclosures", "")), body_html=version.body_html, closing=f.get("closing", ""),
        signer_name=f.get("signer_name", ""), signer_position=f.get("signer_position", ""),
        signer_line=f.get("signer_line", ""), owner_unit=unit.name_th if unit else "", contact_lines=contact,
        copies_to=[r.name for r in recipients if r.role == RecipientRole.COPY], urgency=draft.urgency,
        secrecy=draft.secrecy, emblem=emblem, emblem_type=emblem_type,
        qr_url=verify_url(draft) if final else None,
        authority=authority if draft.form in (DraftForm.ORDER, DraftForm.ANNOUNCEMENT) else "",
        initials_note=f.get("initials_note", ""),
        watermark="" if final else DRAFT_WATERMARK,
    )
