"""Receiving uploads: Django's temporary-file handler, except that a file it cannot finish
(the disk is full) is removed at once instead of waiting for garbage collection."""

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class TidyTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        try:
            super().receive_data_chunk(raw_data, start)
        except OSError:
            self.file.close()  # a named temporary file: closing deletes it
            raise

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        try:
            return super().file_complete(file_size)  # flushes the last bytes
        except OSError:
            self.file.close()
            raise
