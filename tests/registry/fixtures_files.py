"""Builders of good and hostile files for the file-layer tests, all made here in the test run
(nothing downloaded): PDFs through pikepdf, office files through zipfile and a tiny OLE writer,
images through Pillow or by hand."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
from PIL import Image

# --- PDF ----------------------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, title: str = "หนังสือทดสอบ") -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # the same bytes every call (tests compare two calls' output)
    return out.getvalue()


def _save(pdf: pikepdf.Pdf, **kw) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    pdf.save(out, **kw)
    return out.getvalue()


def pdf_encrypted(user: str = "secret") -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    return _save(pdf, encryption=pikepdf.Encryption(owner="owner-pw", user=user, R=6))


def pdf_with_javascript() -> bytes:
    """JavaScript in the document's name tree and as the open action."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x');")))
    pdf.Root.OpenAction = js
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["a", js])))
    return _save(pdf)


def pdf_with_open_action_only(kind: str) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    if kind == "launch":
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    elif kind == "goto":  # harmless: open on page 1
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    elif kind == "page_aa":  # a page-open automatic action, hex-escaped name in the raw file
        pdf.pages[0].obj.AA = pikepdf.Dictionary(
            O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print();"))
        )
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_attachment() -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00" + b"\x00" * 100, mime_type="application/x-msdownload")
    return _save(pdf)


def pdf_with_stream(data: bytes, *, image: tuple[int, int] | None = None) -> bytes:
    """A PDF holding one Flate-compressed stream of ``data`` (an image XObject of the given
    declared size when ``image``)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    stream = pikepdf.Stream(pdf, zlib.compress(data, 9))
    stream.Filter = pikepdf.Name.FlateDecode
    if image:
        stream.Type = pikepdf.Name.XObject
        stream.Subtype = pikepdf.Name.Image
        stream.Width, stream.Height = image
        stream.BitsPerComponent = 8
        stream.ColorSpace = pikepdf.Name.DeviceGray
    pdf.Root.Extra = pdf.make_indirect(stream)
    return _save(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)


def zip_bytes(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries):
            if stored_first and i == 0:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
            else:
                zf.writestr(name, data)
    return out.getvalue()


def pdf_zip_polyglot() -> bytes:
    """A valid PDF with a ZIP archive appended: both readers open it."""
    return pdf_bytes() + zip_bytes([("evil.js", b"WScript.Echo(1)")])


# --- office ----------------------------------------------------------------------------------------------------

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _content_types(main_part: str, main_type: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{main_part}" ContentType="{main_type}"/>{extra}</Types>'
    ).encode()


RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>สิ่งที่ส่งมาด้วย</w:t></w:r></w:p></w:body></w:document>'
).encode()


def docx_bytes(extra_entries: list[tuple[str, bytes]] | None = None, *, main_type: str = WORD_MAIN) -> bytes:
    entries = [
        ("[Content_Types].xml", _content_types("/word/document.xml", main_type)),
        ("_rels/.rels", RELS),
        ("word/document.xml", DOCUMENT_XML),
    ]
    return zip_bytes(entries + list(extra_entries or []))


def docm_bytes() -> bytes:
    """A macro-enabled Word document: vbaProject.bin and the macro-enabled main part type."""
    return docx_bytes(
        [("word/vbaProject.bin", ole_bytes([(("VBA", "dir"), b"\x01" * 4096)]))], main_type=WORD_MACRO_MAIN
    )


def docx_bytes_macro_hidden_in_plain_type() -> bytes:
    """vbaProject.bin inside a file that claims to be a plain .docx."""
    return docx_bytes([("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)])


def xlsx_bytes() -> bytes:
    return zip_bytes([
        ("_rels/.rels", RELS.replace(b"word/document.xml", b"xl/workbook.xml")),  # not first: libmagic can't tell
        ("[Content_Types].xml", _content_types("/xl/workbook.xml", EXCEL_MAIN)),
        ("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
    ])


def docx_zip_bomb(size: int = 64 * 1024 * 1024) -> bytes:
    """A .docx whose one part inflates from ~64 KB to ``size`` bytes of zeros."""
    return docx_bytes([("word/media/image1.bmp", b"\x00" * size)])


def odt_bytes(extra_entries: list[tuple[str, bytes]] | None = None, manifest: bytes = b"<manifest/>") -> bytes:
    return zip_bytes(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", manifest),
        ]
        + list(extra_entries or []),
        stored_first=True,
    )


# --- a minimal OLE (Compound File Binary) writer: enough for olefile and libmagic --------------------------

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def ole_bytes(streams: list[tuple[tuple[str, ...], bytes]]) -> bytes:
    """A version 3 compound file holding ``streams`` (path -> data; storages made as needed). Each
    stream is padded to at least 4096 bytes so it lives in the regular FAT (no mini stream)."""
    # entries: (name, type, data, parent index)
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "data": b"", "children": []}]
    index: dict[tuple[str, ...], int] = {(): 0}
    for path, data in streams:
        for depth in range(1, len(path) + 1):
            sub = path[:depth]
            if sub in index:
                continue
            is_stream = depth == len(path)
            payload = data.ljust(4096, b"\x00") if is_stream else b""
            entries.append({"name": sub[-1], "type": 2 if is_stream else 1, "data": payload, "children": []})
            index[sub] = len(entries) - 1
            entries[index[sub[:-1]]]["children"].append(index[sub])
    dir_sectors = (len(entries) + 3) // 4
    next_sector = 1 + dir_sectors  # sector 0: FAT
    fat = [FATSECT] + [i + 2 if i + 1 < dir_sectors else ENDOFCHAIN for i in range(dir_sectors)]
    body = b""
    for e in entries:
        if e["type"] != 2:
            e["start"], e["size"] = (ENDOFCHAIN, 0)
            continue
        count = len(e["data"]) // SECTOR + (1 if len(e["data"]) % SECTOR else 0)
        e["start"], e["size"] = next_sector, len(e["data"])
        fat += [next_sector + i + 1 if i + 1 < count else ENDOFCHAIN for i in range(count)]
        body += e["data"].ljust(count * SECTOR, b"\x00")
        next_sector += count
    assert len(fat) <= SECTOR // 4
    fat += [FREESECT] * (SECTOR // 4 - len(fat))

    def key(i: int) -> tuple[int, str]:
        return (len(entries[i]["name"]), entries[i]["name"].upper())

    left = dict.fromkeys(range(len(entries)), NOSTREAM)
    right = dict(left)
    child = dict(left)
    for i, e in enumerate(entries):
        kids = sorted(e["children"], key=key)
        if kids:
            child[i] = kids[0]
            right.update(zip(kids, kids[1:], strict=False))
    directory = b""
    for i, e in enumerate(entries):
        name = e["name"].encode("utf-16-le") + b"\x00\x00"
        directory += (
            name.ljust(64, b"\x00")
            + struct.pack("<HBB", len(name), e["type"], 1)
            + struct.pack("<III", left[i], right[i], child[i])
            + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
            + struct.pack("<IQ", e["start"], e["size"])
        )
    unused = b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
    unused += b"\x00" * 36 + struct.pack("<IQ", 0, 0)
    directory += unused * (dir_sectors * 4 - len(entries))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108
    )
    assert len(header) == SECTOR
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + body


def word_fib(encrypted: bool = False) -> bytes:
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags)


def doc_bytes(*, macros: bool = False, encrypted: bool = False) -> bytes:
    streams = [(("WordDocument",), word_fib(encrypted)), (("1Table",), b"\x00")]
    if macros:
        streams.append((("Macros", "VBA", "dir"), b"\x01"))
    return ole_bytes(streams)


def xls_bytes(*, macros: bool = False, encrypted: bool = False) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + b"\x00\x06\x05\x00" + b"\x00" * 12
    body = bof + (struct.pack("<HH", 0x002F, 4) + b"\x00" * 4 if encrypted else b"")
    body += struct.pack("<HH", 0x0085, 8) + b"\x00" * 8  # BOUNDSHEET
    streams = [(("Workbook",), body)]
    if macros:
        streams.append((("_VBA_PROJECT_CUR", "VBA", "dir"), b"\x01"))
    return ole_bytes(streams)


# --- images ----------------------------------------------------------------------------------------------------


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), frames: int = 1) -> bytes:
    out = io.BytesIO()
    first = Image.new("L", size, 255)
    if frames > 1:
        first.save(out, fmt, save_all=True, append_images=[Image.new("L", size, 0) for _ in range(frames - 1)])
    else:
        first.save(out, fmt)
    return out.getvalue()


def noisy_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A JPEG whose scan data is most of the file (so cutting it in half keeps every header whole)."""
    img = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_huge_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


# --- other ------------------------------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + struct.pack("<I", 64) + (
    b"PE\x00\x00\x4c\x01\x01\x00" + b"\x00" * 400
)

EML = (
    "Return-Path: <sender@example.go.th>\r\n"
    "Received: from mail.example.go.th by saraban.example.go.th\r\n"
    "From: =?utf-8?b?4Lir4LiZ4Lix4LiH4Liq4Li34Lit?= <sender@example.go.th>\r\n"
    "To: saraban@tenant-a.example\r\n"
    "Subject: =?utf-8?b?4Lir4LiZ4Lix4LiH4Liq4Li34Lit4LmA4LiK4Li04LiN4Lib4Lij4Liw4LiK4Li44Lih?=\r\n"
    "Date: Mon, 5 Jan 2026 09:00:00 +0700\r\n"
    "Message-ID: <1@example.go.th>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "เรียน ผู้อำนวยการ\r\n"
).encode()
