"""Word documents for the drafting tests, built here with zipfile (nothing downloaded, no python-docx).

``letter_docx()`` is a small Thai letter the way Word saves one: placeholders split over runs with
different revision ids and a spell-check mark between them, in the body, a table, a text box (the
DrawingML shape and its VML fallback), the header, the footer and a footnote.
"""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = (
    f'xmlns:w="{W}" xmlns:r="{R}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A run in TH SarabunPSK 16 pt (w:sz is in half-points), like a typed official letter.
SARABUN = ('<w:rFonts w:ascii="TH SarabunPSK" w:hAnsi="TH SarabunPSK" w:cs="TH SarabunPSK"/>'
           '<w:sz w:val="32"/><w:szCs w:val="32"/>')
BOLD_SARABUN = f"<w:b/><w:bCs/>{SARABUN}"


def run(text: str, *, rsid: str = "00A1B2C3", props: str = SARABUN) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<w:r w:rsidR="{rsid}"><w:rPr>{props}</w:rPr><w:t{space}>{text}</w:t></w:r>'


def para(*runs: str, rsid: str = "00A1B2C3") -> str:
    return f'<w:p w:rsidR="{rsid}" w:rsidRDefault="{rsid}">{"".join(runs)}</w:p>'


def split_number() -> str:
    """``{ที่}`` the way Word stores it after an edit: '{' bold in one run, 'ที่' in a run with another
    revision id after a spell-check mark, '}' in a third run."""
    return (
        run("{", rsid="00D4E5F6", props=BOLD_SARABUN)
        + '<w:proofErr w:type="spellStart"/>'
        + run("ที่", rsid="0071A2B3", props=SARABUN)
        + '<w:proofErr w:type="spellEnd"/>'
        + run("}", rsid="00C9D8E7", props=SARABUN)
    )


def text_box(inner: str) -> str:
    """A floating text box: the DrawingML shape (Word 2010+) with its VML fallback, both holding the
    same paragraph, as Word writes it."""
    content = f"<w:txbxContent>{inner}</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>3200400</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2286000" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="1" name="Text Box 1"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="2286000" cy="457200"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict>"
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape id="Text Box 1" o:spid="_x0000_s1026" type="#_x0000_t202" '
        'style="position:absolute;margin-left:252pt;margin-top:0;width:180pt;height:36pt;z-index:1">'
        f"<v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def table(*cells: str) -> str:
    rows = "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"4500\" w:type=\"dxa\"/></w:tcPr>{cell}</w:tc>" for cell in cells)
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/><w:tblBorders>'
        '<w:top w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/></w:tblBorders></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid><w:tr>{rows}</w:tr></w:tbl>'
    )


def letter_body(extra: str = "") -> str:
    return (
        para(run("ที่ "), split_number())
        + para(run("สำนักงานเทศบาลนครนครราชสีมา"), text_box(para(run("กล่อง "), run("{ที่}", rsid="00112233"))))
        + para(run("{วัน", rsid="00AA0001"), run("ที่}", rsid="00AA0002", props=f"<w:i/>{SARABUN}"))
        + para(run("เรื่อง "), run("{เรื่อง}", props=BOLD_SARABUN))
        + table(para(run("ตาราง ")), para(run("ลงวันที่ "), run("{วันที่}")))
        + para(run("ด้วยเกิดเหตุน้ำท่วมในพื้นที่ {ทิ่} และ {unrelated} คงเดิม"),
               '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>')
        + extra
    )


def document_xml(body: str) -> str:
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/>'
            '<w:footerReference w:type="default" r:id="rIdF"/><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1134" w:bottom="1134" w:left="1701" w:header="709" '
            'w:footer="709" w:gutter="0"/></w:sectPr>')
    return f"{DECL}<w:document {NS}><w:body>{body}{sect}</w:body></w:document>"


def content_types(main: str = MAIN, extra: str = "") -> str:
    return (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
        f'<Override PartName="/word/header1.xml" ContentType="{CT}.header+xml"/>'
        f'<Override PartName="/word/footer1.xml" ContentType="{CT}.footer+xml"/>'
        f'<Override PartName="/word/footnotes.xml" ContentType="{CT}.footnotes+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{CT}.styles+xml"/>'
        f'<Override PartName="/word/settings.xml" ContentType="{CT}.settings+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{extra}</Types>"
    )


def rels(*relationships: tuple[str, str, str] | tuple[str, str, str, str]) -> str:
    items = []
    for rel in relationships:
        rid, kind, target = rel[:3]
        mode = f' TargetMode="{rel[3]}"' if len(rel) > 3 else ""
        items.append(f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"{mode}/>')
    return f'{DECL}<Relationships xmlns="{PKG_RELS}">{"".join(items)}</Relationships>'


STYLES = (
    f'{DECL}<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{SARABUN}<w:lang w:val="th-TH" '
    'w:bidi="th-TH"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" '
    'w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>'
)


def header_xml(inner: str) -> str:
    return f"{DECL}<w:hdr {NS}>{inner}</w:hdr>"


def footer_xml(inner: str) -> str:
    return f"{DECL}<w:ftr {NS}>{inner}</w:ftr>"


def footnotes_xml(text: str) -> str:
    return (
        f'{DECL}<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f'</w:r></w:p></w:footnote><w:footnote w:id="1">{para(run(text))}</w:footnote></w:footnotes>'
    )


def settings_xml(template: bool = False) -> str:
    attached = '<w:attachedTemplate r:id="rIdT"/>' if template else ""
    return f'{DECL}<w:settings xmlns:w="{W}" xmlns:r="{R}">{attached}<w:defaultTabStop w:val="720"/></w:settings>'


APP = (
    f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Office Word</Application><Pages>1</Pages></Properties>"
)


def linked_image(rid: str) -> str:
    """An inline picture whose pixels are not in the file but at an address (Insert → Link to File)."""
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="914400" cy="914400"/>'
        '<wp:docPr id="2" name="Picture 2"/><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>'
        '<pic:cNvPr id="2" name="pixel.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
        f'<a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
        '<a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def linking_fields(base: str) -> str:
    """Content pulled in by fields and a VML picture address rather than by a relationship."""
    return (
        para('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE '
             f'"{base}field.png" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             '<w:r><w:t>ภาพจากเขตข้อมูล</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
        + para(f'<w:fldSimple w:instr=" INCLUDETEXT &quot;{base}include.docx&quot; "><w:r><w:t>ข้อความแทรก</w:t>'
               "</w:r></w:fldSimple>")
        + para(f'<w:r><w:pict><v:shape style="width:40pt;height:40pt"><v:imagedata src="{base}vml.png" o:title=""/>'
               "</v:shape></w:pict></w:r>")
    )


def zip_of(entries: list[tuple[str, bytes | str]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 4, 9, 0, 0)), data, compress_type=compression)
    return out.getvalue()


def letter_docx(
    *, body: str | None = None, canary: str | None = None, main: str = MAIN,
    extra_entries: list[tuple[str, bytes | str]] | None = None, document: str | None = None,
    header: str | None = None,
) -> bytes:
    """The test letter. ``canary`` (an http://host:port/ base) adds an external template, a linked
    image, a linked OLE object, linking fields and a VML picture address, all pointing there."""
    doc_rels: list[tuple[str, ...]] = [
        ("rIdH", "header", "header1.xml"), ("rIdF", "footer", "footer1.xml"),
        ("rIdN", "footnotes", "footnotes.xml"), ("rIdS", "styles", "styles.xml"),
        ("rIdSet", "settings", "settings.xml"),
        ("rIdL", "hyperlink", "https://www.example.go.th/", "External"),
    ]
    settings_rels: list[tuple[str, ...]] = []
    extra_body = ""
    if canary:
        doc_rels += [("rIdImg", "image", f"{canary}pixel.png", "External"),
                     ("rIdOle", "oleObject", f"{canary}sheet.xlsx", "External")]
        settings_rels.append(("rIdT", "attachedTemplate", f"{canary}template.dotm", "External"))
        extra_body = para(linked_image("rIdImg")) + linking_fields(canary)
    entries: list[tuple[str, bytes | str]] = [
        ("[Content_Types].xml", content_types(main)),
        ("_rels/.rels", rels(("rId1", "officeDocument", "word/document.xml"),
                             ("rId2", "extended-properties", "docProps/app.xml"))),
        ("word/document.xml", document or document_xml(body if body is not None else letter_body(extra_body))),
        ("word/_rels/document.xml.rels", rels(*doc_rels)),  # type: ignore[arg-type]
        ("word/header1.xml", header or header_xml(para(run("หัวกระดาษ เลขที่ "), run("{ที่}", props=BOLD_SARABUN)))),
        ("word/footer1.xml", footer_xml(para(run("ท้ายกระดาษ "), run("{วัน"), run("ที่}")))),
        ("word/footnotes.xml", footnotes_xml("เชิงอรรถ {เรื่อง}")),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", settings_xml(template=bool(canary))),
        ("docProps/app.xml", APP),
    ]
    if settings_rels:
        entries.append(("word/_rels/settings.xml.rels", rels(*settings_rels)))  # type: ignore[arg-type]
    entries += extra_entries or []
    return zip_of(entries)


def plain_docx(text: str = "หนังสือทดสอบ") -> bytes:
    return letter_docx(body=para(run(text)))
