"""PDF and office documents lose their author and other details before they are sealed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pikepdf
import pytest
from openpyxl import Workbook, load_workbook

from arusha.reporting import attachments, documents
from arusha.reporting.attachments import AttachmentRejected

AUTHOR = "Ana Perez Villacis"
COMPANY = "Agencia Aduanera Pacifico"


def _pdf(encrypt: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Producer"] = COMPANY
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [AUTHOR]
        meta["pdf:Producer"] = COMPANY
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if encrypt:
        options["encryption"] = pikepdf.Encryption(owner="o", user="secret")
    pdf.save(out, **options)
    return out.getvalue()


def _zip(parts: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(parts):
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 14, 9, 26, 53))
            stored = stored_first and index == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


def _docx() -> bytes:
    name = AUTHOR.encode()
    return _zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            (
                "word/document.xml",
                b'<w:document><w:ins w:author="%s" w:id="1"><w:r><w:t>The demand</w:t>'
                b"</w:r></w:ins></w:document>" % name,
            ),
            ("word/comments.xml", b'<w:comments><w:comment w:author="%s" w:initials="AP"/>' % name),
            ("docProps/core.xml", b"<cp:coreProperties><dc:creator>%s</dc:creator>" % name),
            ("docProps/app.xml", b"<Properties><Company>%s</Company>" % COMPANY.encode()),
            ("docProps/custom.xml", b"<Properties><property>%s</property>" % COMPANY.encode()),
        ]
    )


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.properties.creator = AUTHOR
    workbook.properties.lastModifiedBy = AUTHOR
    workbook.active["A1"] = "Cash asked at the gate"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _odt() -> bytes:
    name = AUTHOR.encode()
    return _zip(
        [
            ("mimetype", attachments.ODT.encode()),
            (
                "content.xml",
                b"<office:document-content><office:annotation><dc:creator>%s</dc:creator>"
                b"</office:annotation>Text</office:document-content>" % name,
            ),
            ("meta.xml", b"<office:document-meta><meta:initial-creator>%s" % name),
            ("settings.xml", b"<config:config-item>%s printer" % COMPANY.encode()),
        ],
        stored_first=True,
    )


def _unpacked(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_the_test_files_really_carry_the_author():
    assert AUTHOR.encode() in _pdf()
    for data in (_docx(), _xlsx(), _odt()):
        assert AUTHOR.encode() in _unpacked(data)


def test_a_pdf_loses_its_author_producer_and_xmp_but_keeps_its_pages():
    cleaned = documents.clean_document(_pdf(), documents.PDF)
    assert AUTHOR.encode() not in cleaned
    assert COMPANY.encode() not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer or "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root


def test_a_pdf_with_a_password_is_refused_not_kept_uncleaned():
    with pytest.raises(AttachmentRejected, match="password"):
        documents.clean_document(_pdf(encrypt=True), documents.PDF)


def test_a_damaged_pdf_is_refused():
    with pytest.raises(AttachmentRejected):
        documents.clean_document(b"%PDF-1.7\n" + b"\x00garbage" * 50, documents.PDF)


def test_a_word_document_loses_its_properties_and_the_names_on_changes_and_comments():
    cleaned = documents.clean_document(_docx(), attachments.DOCX)
    text = _unpacked(cleaned)
    assert AUTHOR.encode() not in text
    assert COMPANY.encode() not in text
    assert b'w:initials="AP"' not in text
    assert b"The demand" in text  # the content itself is kept
    assert attachments.sniff_content_type(cleaned[: attachments.SNIFF_BYTES]) == attachments.DOCX


def test_a_spreadsheet_loses_its_author_and_still_opens():
    cleaned = documents.clean_document(_xlsx(), attachments.XLSX)
    assert AUTHOR.encode() not in _unpacked(cleaned)
    workbook = load_workbook(io.BytesIO(cleaned))
    assert workbook.active["A1"].value == "Cash asked at the gate"
    assert workbook.properties.creator != AUTHOR


def test_an_open_document_loses_its_meta_and_settings_and_stays_an_open_document():
    cleaned = documents.clean_document(_odt(), attachments.ODT)
    assert AUTHOR.encode() not in _unpacked(cleaned)
    assert COMPANY.encode() not in _unpacked(cleaned)
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
    assert attachments.sniff_content_type(cleaned[: attachments.SNIFF_BYTES]) == attachments.ODT


@pytest.mark.parametrize("make", [_docx, _xlsx, _odt])
def test_no_zip_entry_tells_when_the_document_was_made(make):
    content_type = attachments.sniff_content_type(make()[: attachments.SNIFF_BYTES])
    cleaned = documents.clean_document(make(), content_type or "")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        assert {info.date_time for info in archive.infolist()} == {documents.ZIP_TIME}


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(AttachmentRejected, match="too much"):
        documents.clean_document(_docx(), attachments.DOCX)


def test_plain_text_and_old_office_files_are_kept_as_sent():
    assert documents.clean_document(b"hello", "text/plain") == b"hello"
    assert attachments.LEGACY_OFFICE not in documents.CLEANED_TYPES


def _photo_with_gps() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "MARKER-make"  # Make
    exif[0x8825] = {1: "N", 2: (5.0, 37.0, 12.0), 3: "W", 4: (0.0, 1.0, 30.0)}  # GPS: Tema port
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _docx_with_people_and_photo() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("word/document.xml", b"<w:document><w:t>Photo of the receipt</w:t></w:document>"),
            (
                "word/people.xml",
                b'<w15:people><w15:person w15:author="%s"><w15:presenceInfo '
                b'w15:providerId="AD" w15:userId="S::ana.perez@agencia.example"/></w15:person>'
                b"</w15:people>" % AUTHOR.encode(),
            ),
            ("word/media/image1.jpeg", _photo_with_gps()),
        ]
    )


def _xlsx_with_persons() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            (
                "xl/persons/person.xml",
                b'<personList><person displayName="%s" id="{1}" userId="ana.perez@agencia.example"'
                b' providerId="AD"/></personList>' % AUTHOR.encode(),
            ),
            ("xl/media/image1.jpg", _photo_with_gps()),
        ]
    )


@pytest.mark.parametrize(
    ("make", "kind"), [(_docx_with_people_and_photo, "DOCX"), (_xlsx_with_persons, "XLSX")]
)
def test_people_lists_and_the_gps_of_pictures_inside_a_document_are_removed(make, kind):
    from PIL import Image

    original = make()
    assert b"ana.perez@agencia.example" in _unpacked(original)
    cleaned = documents.clean_document(original, getattr(attachments, kind))
    text = _unpacked(cleaned)
    assert AUTHOR.encode() not in text
    assert b"ana.perez@agencia.example" not in text
    assert b"MARKER-make" not in text
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        (picture,) = [n for n in archive.namelist() if "/media/" in n]
        with Image.open(io.BytesIO(archive.read(picture))) as image:
            assert image.size == (8, 8)  # the picture is still there
            assert not image.getexif().get_ifd(0x8825)  # without its GPS position


def test_a_picture_inside_that_cannot_be_cleaned_refuses_the_document():
    broken = _zip([("word/document.xml", b"<w:document/>"), ("word/media/a.png", b"not a png")])
    with pytest.raises(AttachmentRejected):
        documents.clean_document(broken, attachments.DOCX)
