"""Tests of attachment handling (arusha.reporting.attachments): streaming encryption, content
type sniffing against the allow-list, and image metadata removal.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageOps, PngImagePlugin

from arusha.reporting.attachments import (
    ALLOWED_CONTENT_TYPES,
    DOCX,
    LEGACY_OFFICE,
    ODT,
    PPTX,
    XLSX,
    AttachmentRejected,
    decrypt_stream,
    encrypt_stream,
    sniff_content_type,
    strip_image_metadata,
)
from arusha.reporting.crypto import DecryptionFailed, TruncatedStream, new_report_keys

MARKER = b"MARKER-container-MSCU1234567"
CHUNK = 1024
ABYTES = 17


def encrypted(keys, plaintext: bytes, chunk_size: int = CHUNK) -> bytes:
    out = io.BytesIO()
    encrypt_stream(keys.public_key, io.BytesIO(plaintext), out, chunk_size=chunk_size)
    return out.getvalue()


def decrypted(keys, ciphertext: bytes) -> bytes:
    out = io.BytesIO()
    decrypt_stream(keys.private_key, io.BytesIO(ciphertext), out)
    return out.getvalue()


def header_length() -> int:
    return 8 + 4 + 80 + 24  # magic, chunk size, sealed file key, secretstream header


# --- Streaming encryption -----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_an_attachment_round_trips_at_every_chunk_boundary(size):
    keys = new_report_keys()
    plaintext = (MARKER * (size // len(MARKER) + 1))[:size]
    ciphertext = encrypted(keys, plaintext)
    assert decrypted(keys, ciphertext) == plaintext
    chunks = max(1, -(-size // CHUNK))  # the last chunk is tagged FINAL, even when full
    assert len(ciphertext) == header_length() + size + ABYTES * chunks


def test_encryption_reports_the_plaintext_size():
    keys = new_report_keys()
    out = io.BytesIO()
    assert encrypt_stream(keys.public_key, io.BytesIO(b"x" * 5000), out, chunk_size=CHUNK) == 5000
    assert decrypt_stream(keys.private_key, io.BytesIO(out.getvalue()), io.BytesIO()) == 5000


def test_the_default_chunk_size_round_trips_a_multi_chunk_file():
    keys = new_report_keys()
    plaintext = bytes(range(256)) * 1000  # 256,000 bytes: four 64 KiB chunks
    assert decrypted(keys, encrypted(keys, plaintext, chunk_size=64 * 1024)) == plaintext


def test_a_planted_marker_never_appears_in_the_encrypted_attachment():
    ciphertext = encrypted(new_report_keys(), MARKER * 500)
    assert MARKER not in ciphertext
    assert MARKER[:10] not in ciphertext


def test_another_reports_key_cannot_decrypt_the_attachment():
    ciphertext = encrypted(new_report_keys(), MARKER)
    with pytest.raises(DecryptionFailed):
        decrypted(new_report_keys(), ciphertext)


@pytest.mark.parametrize(
    "where",
    [0, 9, 12, 60, header_length() - 1, header_length(), header_length() + CHUNK + 20, -1],
    ids=["magic", "chunk size", "sealed key", "sealed key mac", "stream header", "chunk 1",
         "chunk 2", "final tag"],
)  # fmt: skip
def test_a_flipped_byte_anywhere_is_detected(where):
    keys = new_report_keys()
    ciphertext = bytearray(encrypted(keys, MARKER * 100))
    ciphertext[where] ^= 0x01
    with pytest.raises(DecryptionFailed):
        decrypted(keys, bytes(ciphertext))


def test_a_stream_truncated_at_a_chunk_boundary_is_detected():
    keys = new_report_keys()
    ciphertext = encrypted(keys, b"a" * (3 * CHUNK + 5))
    cut = header_length() + 3 * (CHUNK + ABYTES)  # every chunk but the final one
    with pytest.raises(TruncatedStream):
        decrypted(keys, ciphertext[:cut])


@pytest.mark.parametrize("missing", [1, ABYTES, CHUNK])
def test_a_stream_truncated_inside_a_chunk_is_detected(missing):
    keys = new_report_keys()
    ciphertext = encrypted(keys, b"a" * (3 * CHUNK + 5))
    with pytest.raises(DecryptionFailed):
        decrypted(keys, ciphertext[:-missing])


def test_a_stream_cut_inside_its_header_is_detected():
    keys = new_report_keys()
    ciphertext = encrypted(keys, b"a")
    for cut in (0, 4, 50, header_length() - 1, header_length()):
        with pytest.raises(DecryptionFailed):
            decrypted(keys, ciphertext[:cut])


@pytest.mark.parametrize("size", [100, CHUNK], ids=["short final chunk", "full final chunk"])
def test_data_appended_after_the_final_chunk_is_detected(size):
    keys = new_report_keys()
    with pytest.raises(DecryptionFailed):
        decrypted(keys, encrypted(keys, b"a" * size) + b"\x00")


def test_a_changed_chunk_size_is_detected_even_when_the_file_fits_one_chunk():
    # The header is authenticated with the first chunk, so no field of it can be altered.
    keys = new_report_keys()
    ciphertext = bytearray(encrypted(keys, b"a" * 100))
    ciphertext[8:12] = struct.pack(">I", 2 * CHUNK)
    with pytest.raises(DecryptionFailed):
        decrypted(keys, bytes(ciphertext))


def test_reordered_chunks_are_detected():
    keys = new_report_keys()
    ciphertext = encrypted(keys, bytes(range(256)) * 16)  # four full chunks and a final one
    start, size = header_length(), CHUNK + ABYTES
    first, second = ciphertext[start : start + size], ciphertext[start + size : start + 2 * size]
    swapped = ciphertext[:start] + second + first + ciphertext[start + 2 * size :]
    with pytest.raises(DecryptionFailed):
        decrypted(keys, swapped)


def test_a_chunk_size_inflated_in_the_header_is_refused_before_reading():
    keys = new_report_keys()
    ciphertext = bytearray(encrypted(keys, b"a"))
    ciphertext[8:12] = struct.pack(">I", 2**31)
    with pytest.raises(DecryptionFailed, match="chunk size"):
        decrypted(keys, bytes(ciphertext))


def test_a_file_that_is_not_an_encrypted_attachment_is_refused():
    with pytest.raises(DecryptionFailed, match="not an encrypted attachment"):
        decrypted(new_report_keys(), b"%PDF-1.7 plain text")


@pytest.mark.parametrize("size", [0, -1, 16 * 1024 * 1024 + 1])
def test_a_bad_chunk_size_is_refused(size):
    with pytest.raises(ValueError):
        encrypt_stream(new_report_keys().public_key, io.BytesIO(b"a"), io.BytesIO(), size)


class RecordingReader(io.RawIOBase):
    """A raw stream that returns at most 700 bytes per read and records what was asked."""

    def __init__(self, data: bytes):
        self.data, self.position = data, 0
        self.requests: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.requests.append(size)
        chunk = self.data[self.position : self.position + min(size, 700)]
        self.position += len(chunk)
        return chunk


def test_encryption_reads_chunk_by_chunk_and_copes_with_short_reads():
    keys = new_report_keys()
    plaintext = MARKER * 1000  # 28 KB
    reader, out = RecordingReader(plaintext), io.BytesIO()
    encrypt_stream(keys.public_key, reader, out, chunk_size=CHUNK)  # type: ignore[arg-type]
    assert max(reader.requests) <= CHUNK
    assert -1 not in reader.requests
    assert decrypted(keys, out.getvalue()) == plaintext


def test_decryption_copes_with_short_reads():
    keys = new_report_keys()
    plaintext = MARKER * 1000
    reader, out = RecordingReader(encrypted(keys, plaintext)), io.BytesIO()
    decrypt_stream(keys.private_key, reader, out)  # type: ignore[arg-type]
    assert out.getvalue() == plaintext


# --- Content types ------------------------------------------------------------------------


def image_bytes(fmt: str, mode: str = "RGB", size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, fmt)
    return out.getvalue()


def office_bytes(parts: list[str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name in parts:
            archive.writestr(name, "<xml/>" * 50)
    return out.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<xml/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("PNG"), "image/png"),
        (image_bytes("GIF", "P"), "image/gif"),
        (image_bytes("WEBP"), "image/webp"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        ("Bribe demanded at gate 3, 200 USD.\nNom: Ésaïe\n".encode(), "text/plain"),
        (office_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]), DOCX),
        (office_bytes(["[Content_Types].xml", "xl/workbook.xml"]), XLSX),
        (office_bytes(["[Content_Types].xml", "ppt/presentation.xml"]), PPTX),
        (odf_bytes(ODT), ODT),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), LEGACY_OFFICE),
    ],
    ids=["jpeg", "png", "gif", "webp", "pdf", "text", "docx", "xlsx", "pptx", "odt", "doc"],
)
def test_allowed_types_are_recognised_by_their_content(data, expected):
    assert sniff_content_type(data[:65536]) == expected
    assert expected in ALLOWED_CONTENT_TYPES


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # Windows executable
        b"\x7fELF\x02\x01\x01",
        office_bytes(["payload.exe", "readme.txt"]),  # a plain zip
        odf_bytes("application/vnd.oasis.opendocument.graphics"),
        b"\x00\x00\x00\x18ftypheic",  # iPhone HEIC: metadata cannot be removed here
        b"text with a NUL\x00 byte",
        b"\xff\xfe\xfd not utf-8",
        b"",
        b"PK\x03\x04\x14\x00",
    ],
    ids=["exe", "elf", "zip", "odg", "heic", "nul", "binary", "empty", "cut zip"],
)
def test_other_types_are_not_recognised(data):
    assert sniff_content_type(data) is None


@settings(max_examples=300, database=None, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP"]),
    rest=st.binary(max_size=300),
)
def test_sniffing_arbitrary_bytes_never_raises(prefix, rest):
    assert sniff_content_type(prefix + rest) in ALLOWED_CONTENT_TYPES | {None}


def test_text_cut_inside_a_multibyte_character_is_still_text():
    head = "Douane — quai".encode()  # the em dash is three bytes
    assert sniff_content_type(head[: head.index(b"\xe2") + 1]) == "text/plain"


def test_a_signature_counts_only_at_the_start_of_the_file():
    assert sniff_content_type(b"MZ\x90\x00" + b"%PDF-1.7") is None
    assert sniff_content_type(b"\x00\x01" + b"\x89PNG\r\n\x1a\n") is None


# --- Image metadata -----------------------------------------------------------------------

GPS = {1: "N", 2: (5.0, 37.0, 12.0), 3: "W", 4: (0.0, 1.0, 30.0)}  # Tema port, Ghana


def planted_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "MARKER-make"
    exif[ExifTags.Base.Model] = "MARKER-model"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def two_colour_image(mode: str = "RGB") -> Image.Image:
    """40x20, red on the left half and blue on the right."""
    image = Image.new(mode, (40, 20), "red")
    image.paste(Image.new(mode, (20, 20), "blue"), (20, 0))
    return image


def planted_jpeg(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    two_colour_image().save(
        out,
        "JPEG",
        exif=planted_exif(orientation),
        xmp=b"<x:xmpmeta>MARKER-xmp</x:xmpmeta>",
        icc_profile=srgb_profile(),
        comment=b"MARKER-comment",
    )
    return out.getvalue()


def assert_clean(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"):
        assert key not in image.info, key
    assert b"MARKER" not in data
    return image


def test_the_planted_metadata_is_really_in_the_test_jpeg():
    data = planted_jpeg()
    image = Image.open(io.BytesIO(data))
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == GPS
    assert b"MARKER-xmp" in data
    assert "icc_profile" in image.info


def test_gps_and_camera_exif_are_gone_from_a_stripped_jpeg():
    image = assert_clean(strip_image_metadata(planted_jpeg(), "image/jpeg"))
    assert image.format == "JPEG"
    assert image.size == (40, 20)


def test_a_stream_can_be_stripped_as_well_as_bytes():
    assert_clean(strip_image_metadata(io.BytesIO(planted_jpeg()), "image/jpeg"))


def test_the_orientation_is_applied_before_the_exif_is_dropped():
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise.
    image = assert_clean(strip_image_metadata(planted_jpeg(orientation=6), "image/jpeg"))
    assert image.size == (20, 40)
    rgb = image.convert("RGB")
    red, blue = rgb.getpixel((10, 5)), rgb.getpixel((10, 35))
    assert isinstance(red, tuple) and red[0] > 200 and red[2] < 60, red
    assert isinstance(blue, tuple) and blue[2] > 200 and blue[0] < 60, blue


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the corrupt EXIF
def test_a_photo_with_corrupt_exif_is_still_turned_upright_and_cleaned():
    # The Make entry (tag 0x010F, big-endian) retyped from ASCII to RATIONAL.
    data = planted_jpeg(orientation=6)
    entry = b"\x01\x0f\x00\x02"
    assert data.count(entry) == 1
    corrupt = data.replace(entry, b"\x01\x0f\x00\x05")
    with pytest.raises(AttributeError):  # what Pillow's own exif_transpose does with it
        ImageOps.exif_transpose(Image.open(io.BytesIO(corrupt)))
    assert assert_clean(strip_image_metadata(corrupt, "image/jpeg")).size == (20, 40)


def test_a_multi_picture_jpeg_keeps_only_its_first_picture():
    out = io.BytesIO()
    exif = planted_exif()
    two_colour_image().save(
        out, "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20))], exif=exif
    )
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    image = assert_clean(strip_image_metadata(out.getvalue(), "image/jpeg"))
    assert image.format == "JPEG"
    assert getattr(image, "n_frames", 1) == 1


def test_text_chunks_exif_and_icc_are_gone_from_a_stripped_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "MARKER-author")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>MARKER-xmp</x:xmpmeta>")
    out = io.BytesIO()
    two_colour_image("RGBA").save(
        out, "PNG", pnginfo=info, exif=planted_exif(), icc_profile=srgb_profile()
    )
    assert b"MARKER-author" in out.getvalue()
    image = assert_clean(strip_image_metadata(out.getvalue(), "image/png"))
    assert image.mode == "RGBA"
    assert "Author" not in image.info
    assert image.getpixel((5, 5)) == (255, 0, 0, 255)


def test_a_palette_png_keeps_its_colours_and_transparency():
    image = two_colour_image().convert("P")
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    cleaned = Image.open(io.BytesIO(strip_image_metadata(out.getvalue(), "image/png")))
    assert cleaned.mode == "P"
    assert cleaned.info.get("transparency") == 0
    assert cleaned.convert("RGB").getpixel((30, 5)) == image.convert("RGB").getpixel((30, 5))


def test_exif_and_xmp_are_gone_from_a_stripped_webp():
    out = io.BytesIO()
    two_colour_image().save(
        out, "WEBP", exif=planted_exif(), xmp=b"<x:xmpmeta>MARKER-xmp</x:xmpmeta>"
    )
    assert b"MARKER-xmp" in out.getvalue()
    assert_clean(strip_image_metadata(out.getvalue(), "image/webp"))


def test_an_animated_gif_keeps_its_frames_but_loses_its_comment():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        comment=b"MARKER-comment",
    )
    assert b"MARKER-comment" in out.getvalue()
    cleaned = assert_clean(strip_image_metadata(out.getvalue(), "image/gif"))
    assert getattr(cleaned, "n_frames", 1) == 3
    assert cleaned.info.get("loop") == 0
    for index, (colour, duration) in enumerate([((255, 0, 0), 100), ((0, 128, 0), 200)]):
        cleaned.seek(index)
        assert cleaned.convert("RGB").getpixel((0, 0)) == colour
        assert cleaned.info["duration"] == duration


def test_a_jpeg_declared_as_png_is_rejected():
    with pytest.raises(AttachmentRejected):
        strip_image_metadata(planted_jpeg(), "image/png")


def test_a_corrupt_image_is_rejected():
    with pytest.raises(AttachmentRejected):
        strip_image_metadata(planted_jpeg()[:200], "image/jpeg")


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the corrupt EXIF
@settings(max_examples=100, database=None, deadline=None)
@given(damage=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1))
def test_a_damaged_image_is_cleaned_or_rejected_never_anything_else(damage):
    data = bytearray(planted_jpeg())
    for position, value in damage:
        data[position % len(data)] = value
    try:
        cleaned = strip_image_metadata(bytes(data), "image/jpeg")
    except AttachmentRejected:
        return
    assert b"MARKER" not in cleaned


def test_a_non_image_type_is_rejected():
    with pytest.raises(AttachmentRejected):
        strip_image_metadata(b"%PDF-1.7", "application/pdf")


def test_an_image_over_the_pixel_limit_is_rejected():
    with pytest.raises(AttachmentRejected, match="too large"):
        strip_image_metadata(planted_jpeg(), "image/jpeg", max_pixels=799)
    assert strip_image_metadata(planted_jpeg(), "image/jpeg", max_pixels=800)


def test_a_stripped_image_encrypts_and_decrypts_without_its_metadata():
    keys = new_report_keys()
    cleaned = strip_image_metadata(planted_jpeg(), "image/jpeg")
    assert_clean(decrypted(keys, encrypted(keys, cleaned)))
