"""Attachments of the reporting channel: type sniffing against an allow-list, image metadata
removal, and streaming encryption to a report key. Django-free, like ``crypto``.
"""

from __future__ import annotations

import io
import struct
from typing import Any, BinaryIO

import nacl.exceptions
from nacl import bindings
from nacl.public import PrivateKey
from PIL import ExifTags, Image, ImageCms, ImageSequence

from arusha.reporting.crypto import (
    KEY_BYTES,
    DecryptionFailed,
    PublicKeyLike,
    TruncatedStream,
    open_report_content,
    seal_for_report,
)

IMAGE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
LEGACY_OFFICE = "application/vnd.ms-office"  # .doc/.xls/.ppt share one container format
ALLOWED_CONTENT_TYPES = IMAGE_CONTENT_TYPES | {
    "application/pdf",
    "text/plain",
    DOCX,
    XLSX,
    PPTX,
    ODT,
    ODS,
    ODP,
    LEGACY_OFFICE,
}
SNIFF_BYTES = 64 * 1024  # pass this much to sniff_content_type: OOXML parts lie past the start
DEFAULT_MAX_PIXELS = 64_000_000  # all frames together; about 200 MB of RGB while re-encoding


class AttachmentRejected(ValueError):
    """The file is of a type we refuse, or an image that cannot be read and cleaned."""


# --- Content types ------------------------------------------------------------------------

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", LEGACY_OFFICE),
)
_ODF_TYPES = {t.encode("ascii"): t for t in (ODT, ODS, ODP)}
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ZIP_ENTRY = b"PK\x03\x04"


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None if not in the allow-list.

    Never trust the browser's declared type or the file name; pass ``SNIFF_BYTES`` bytes.
    """
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(_ZIP_ENTRY):
        return _sniff_zip(head)
    return "text/plain" if _looks_like_text(head) else None


def _sniff_zip(head: bytes) -> str | None:
    # ODF stores an uncompressed "mimetype" entry first; OOXML is known by its part folders.
    if len(head) < 30:
        return None
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    if head[30 : 30 + name_length] == b"mimetype":
        start = 30 + name_length + extra_length
        return next((t for m, t in _ODF_TYPES.items() if head[start:].startswith(m)), None)
    names = _zip_entry_names(head)
    return next((t for p, t in _OOXML_PARTS if any(n.startswith(p) for n in names)), None)


def _zip_entry_names(head: bytes) -> list[str]:
    # Scanning for local headers also finds entries written with data descriptors (no sizes).
    names, position = [], head.find(_ZIP_ENTRY)
    while 0 <= position <= len(head) - 30:
        (name_length,) = struct.unpack("<H", head[position + 26 : position + 28])
        names.append(head[position + 30 : position + 30 + name_length].decode("latin-1"))
        position = head.find(_ZIP_ENTRY, position + 4)
    return names


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Only a multi-byte character cut off by the end of the head is acceptable.
        if exc.reason != "unexpected end of data":
            return False
        text = head[: exc.start].decode("utf-8")
    return all(c.isprintable() or c in "\t\n\r\f\ufeff" for c in text)


# --- Image metadata -----------------------------------------------------------------------

_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 90},
    "WEBP": {"quality": 90},
    "PNG": {},
    "GIF": {},
}
_KEPT_INFO = ("transparency", "duration")  # rendering only; nothing that identifies
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_ORIENTATIONS = {  # EXIF orientation -> the transpose that shows the image upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def strip_image_metadata(
    data: bytes | BinaryIO, content_type: str, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> bytes:
    """Re-encode an image from its pixels alone, in its own format.

    Orientation is applied first; colours are converted to sRGB and the ICC profile dropped;
    EXIF (GPS, camera, serial numbers), XMP, comments, text chunks, embedded thumbnails and
    JPEG quantisation tables (a camera fingerprint) do not survive. Raises ``AttachmentRejected``.
    """
    fmt = _PIL_FORMATS.get(content_type)
    if fmt is None:
        raise AttachmentRejected("only JPEG, PNG, WebP and GIF images can be cleaned")
    src = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    try:
        with Image.open(src, formats=[fmt]) as image:
            if image.width * image.height * getattr(image, "n_frames", 1) > max_pixels:
                raise AttachmentRejected("the image is too large")
            return _reencode(image, fmt)
    except AttachmentRejected:
        raise
    except Exception as exc:
        # Hostile files make Pillow raise almost anything (struct.error, TypeError...): every
        # failure means "could not be cleaned", and nothing uncleaned may pass (fail closed).
        raise AttachmentRejected("the image could not be read") from exc


def _reencode(image: Image.Image, fmt: str) -> bytes:
    # A JPEG keeps only its first picture: an MPO's second one (e.g. a depth map) goes too.
    sources = [image] if fmt == "JPEG" else ImageSequence.Iterator(image)
    frames = [_clean_frame(frame) for frame in sources]
    first, rest = frames[0], frames[1:]
    if fmt == "JPEG" and first.mode not in ("L", "RGB", "CMYK"):
        first = first.convert("RGB")
    options = dict(_SAVE_OPTIONS[fmt])
    if rest:
        durations = [f.info.get("duration", 100) for f in frames]
        options.update(save_all=True, append_images=rest, duration=durations)
        if "loop" in image.info:
            options["loop"] = image.info["loop"]
    out = io.BytesIO()
    first.save(out, fmt, **options)
    return out.getvalue()


def _clean_frame(frame: Image.Image) -> Image.Image:
    oriented = _upright(frame)
    icc = frame.info.get("icc_profile")
    pixels = _to_srgb(oriented, icc) if icc else oriented
    # A new image from raw pixels carries nothing over that we did not copy on purpose.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if pixels.palette is not None and pixels.mode in ("P", "PA"):
        rawmode = pixels.palette.mode
        clean.putpalette(pixels.getpalette(rawmode) or [], rawmode)
    clean.info = {k: frame.info[k] for k in _KEPT_INFO if k in frame.info}
    return clean


def _upright(frame: Image.Image) -> Image.Image:
    # Not ImageOps.exif_transpose: it rewrites the EXIF block and fails on corrupt EXIF, which
    # is dropped here anyway. An unreadable orientation counts as upright.
    try:
        transpose = _ORIENTATIONS.get(frame.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:
        transpose = None
    return frame.transpose(transpose) if transpose is not None else frame


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    # The profile can name the device; converting keeps the colours right without it.
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


# --- Attachments: streaming encryption ---------------------------------------------------

STREAM_MAGIC = b"ARUSHAS1"
STREAM_CHUNK_SIZE = 64 * 1024
MAX_STREAM_CHUNK_SIZE = 16 * 1024 * 1024
_SEALED_KEY_BYTES = KEY_BYTES + bindings.crypto_box_SEALBYTES
_ABYTES = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_SS_HEADER_BYTES = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_TAG_MESSAGE = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def encrypt_stream(
    report_public_key: PublicKeyLike,
    src: BinaryIO,
    dst: BinaryIO,
    chunk_size: int = STREAM_CHUNK_SIZE,
) -> int:
    """Encrypt ``src`` into ``dst`` chunk by chunk; returns the number of plaintext bytes.

    Output: magic, chunk size, a random per-file key sealed to the report public key, the
    secretstream header, then XChaCha20-Poly1305 chunks, the last one tagged FINAL. The header
    is authenticated as additional data of the first chunk. Only one chunk is in memory.
    """
    if not 0 < chunk_size <= MAX_STREAM_CHUNK_SIZE:
        raise ValueError(f"chunk size must be between 1 and {MAX_STREAM_CHUNK_SIZE} bytes")
    file_key = bindings.crypto_secretstream_xchacha20poly1305_keygen()
    prefix = STREAM_MAGIC + struct.pack(">I", chunk_size)
    prefix += seal_for_report(report_public_key, file_key)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    dst.write(prefix + bindings.crypto_secretstream_xchacha20poly1305_init_push(state, file_key))
    ad: bytes | None = prefix
    chunk, total = _read_full(src, chunk_size), 0
    while True:
        following = _read_full(src, chunk_size) if len(chunk) == chunk_size else b""
        tag = _TAG_MESSAGE if following else _TAG_FINAL
        dst.write(bindings.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, tag))
        ad, total = None, total + len(chunk)
        if tag == _TAG_FINAL:
            return total
        chunk = following


def decrypt_stream(report_private_key: PrivateKey, src: BinaryIO, dst: BinaryIO) -> int:
    """Decrypt an ``encrypt_stream`` output into ``dst``; returns the plaintext byte count.

    Raises ``DecryptionFailed`` (``TruncatedStream`` when the final chunk is missing). Each
    chunk is authenticated before it is written, but truncation is only known at the end:
    treat ``dst`` as untrusted until this returns (write to a temporary file, discard on error).
    """
    prefix, chunk_size = _read_stream_prefix(src)
    file_key = open_report_content(report_private_key, prefix[-_SEALED_KEY_BYTES:])
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    try:
        ss_header = _read_exact(src, _SS_HEADER_BYTES)
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, ss_header, file_key)
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise DecryptionFailed("malformed stream header") from exc
    ad: bytes | None = prefix
    total = 0
    while chunk := _read_full(src, chunk_size + _ABYTES):
        plaintext, tag = _pull(state, chunk, ad)
        dst.write(plaintext)
        ad, total = None, total + len(plaintext)
        if tag == _TAG_FINAL:
            if src.read(1):
                raise DecryptionFailed("data after the final chunk")
            return total
        if len(chunk) < chunk_size + _ABYTES:
            raise DecryptionFailed("short chunk before the end of the stream")
    raise TruncatedStream("the stream ended before its final chunk")


def _read_stream_prefix(src: BinaryIO) -> tuple[bytes, int]:
    prefix = _read_full(src, len(STREAM_MAGIC) + 4 + _SEALED_KEY_BYTES)
    if not prefix.startswith(STREAM_MAGIC) or len(prefix) < len(STREAM_MAGIC) + 4:
        raise DecryptionFailed("not an encrypted attachment")
    (chunk_size,) = struct.unpack(">I", prefix[len(STREAM_MAGIC) : len(STREAM_MAGIC) + 4])
    if not 0 < chunk_size <= MAX_STREAM_CHUNK_SIZE:
        raise DecryptionFailed("bad chunk size in stream header")
    return prefix, chunk_size


def _pull(state: Any, chunk: bytes, ad: bytes | None) -> tuple[bytes, int]:
    try:
        return bindings.crypto_secretstream_xchacha20poly1305_pull(state, chunk, ad)
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise DecryptionFailed("wrong key, or the attachment was altered") from exc


def _read_exact(src: BinaryIO, size: int) -> bytes:
    data = _read_full(src, size)
    if len(data) != size:
        raise TruncatedStream("the stream ended inside its header")
    return data


def _read_full(src: BinaryIO, size: int) -> bytes:
    """Read ``size`` bytes unless the stream ends first (raw streams may return less)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    remaining = size - len(data)
    while remaining and (more := src.read(remaining)):
        parts.append(more)
        remaining -= len(more)
    return b"".join(parts)
