"""An upload handler that keeps intake files in memory and refuses large ones.

Django spools uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: an unencrypted copy
on disk. The intake installs this handler instead, so a file is either small enough to be held in
memory until it is cleaned and encrypted, or refused while it arrives.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

MAX_FILES = 5


class MemoryOnlyUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, max_bytes: int, max_files: int = MAX_FILES) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.count = 0
        self.refused: list[str] = []
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.count += 1
        self.buffer = io.BytesIO()
        if self.count > self.max_files:
            self.refused.append(str(self.file_name))
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            self.refused.append(str(self.file_name))
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )
