"""ZIP archives (XLSX workbooks) checked before they are unpacked, from their directory alone.
Django-free, so that the platform's small imports (`arusha.core.spreadsheets`) and the analytics
library (`arusha.analytics.workbook`) share one test."""

from __future__ import annotations

import zipfile

# Spreadsheet XML packs ten to twenty times smaller; a large part packed hundreds of times smaller
# is padding (blank space, one string repeated) made to unpack big.
MAX_PACKING_RATIO = 200
PACKING_CHECKED_FROM = 1024 * 1024


def packed_too_tightly(member: zipfile.ZipInfo) -> bool:
    """A part of over a megabyte that unpacks to more than MAX_PACKING_RATIO times its packed
    size: a ZIP bomb, not a spreadsheet."""
    if member.file_size < PACKING_CHECKED_FROM:
        return False
    return member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)
