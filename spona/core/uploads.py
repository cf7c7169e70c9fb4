"""Every upload is checked here, at the edge, before anything of it is stored or queued.

- **At the request**: ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) refuses a
  request whose body, or any file in it, is larger than ``UPLOAD_MAX_BYTES`` while it is being
  received (from its ``Content-Length`` before a byte is read, or as the bytes come); the user
  gets a translated "too large" page (HTTP 413, ``spona.core.views.bad_request``).
- **In the form**: ``UploadField`` reads the file (bounded), tells its type by its content,
  never by its name (a ZIP holding an XLSX workbook, UTF-8 text for CSV or JSON), and for a
  workbook checks every ZIP member's uncompressed size and compression ratio, the total, the
  number of members, XML entity declarations and the number of rows of every sheet, all by
  streaming, before the file reaches a service. A service takes only a ``CheckedUpload``.
- **In the job**: ``spona.core.tabular`` checks the content again (a job queued by an older
  version must not get round the checks) and reads it streaming, within the same limits.

Every refusal says what is wrong in the user's language.
"""

import base64
import io
import re
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: what a multipart request may carry besides the file (the CSRF token, the field names)
FORM_OVERHEAD = 64 * 1024
#: a ZIP member smaller than this may be compressed as well as it likes
RATIO_FLOOR = 1024 * 1024
#: the keys of a job's payload that hold an uploaded file (dropped when the job ends)
CONTENT_KEYS = ("content",)
_CHUNK = 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Kind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"


TABLES = frozenset({Kind.CSV, Kind.XLSX})
#: scans, certificates and decisions attached to a person's records
DOCUMENTS = frozenset({Kind.PDF, Kind.JPEG, Kind.PNG})
#: the file types' signatures at the start of the content (never the name or the browser's word)
_SIGNATURES: dict[Kind, bytes] = {
    Kind.PDF: b"%PDF-",
    Kind.JPEG: b"\xff\xd8\xff",
    Kind.PNG: b"\x89PNG\r\n\x1a\n",
}
CONTENT_TYPES: dict[Kind, str] = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_uncompressed: int
    max_ratio: int
    max_members: int


def limits() -> Limits:
    return Limits(
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_rows=settings.UPLOAD_MAX_ROWS,
        max_columns=settings.UPLOAD_MAX_COLUMNS,
        max_cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        max_uncompressed=settings.XLSX_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.XLSX_MAX_COMPRESSION_RATIO,
        max_members=settings.XLSX_MAX_MEMBERS,
    )


def megabytes(size: int) -> str:
    return number_format(size / (1024 * 1024), decimal_pos=0 if size % (1024 * 1024) == 0 else 1)


class UploadError(Exception):
    """The file is refused; ``errors`` say why, in the user's language."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed ``check_content``: its name, its type by content, its bytes."""

    name: str
    kind: Kind
    content: bytes

    def payload(self) -> dict[str, str]:
        """What a job's payload carries of it (the content goes when the job ends)."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "content": base64.b64encode(self.content).decode(),
        }


def too_large() -> str:
    return _(
        "The file is larger than %(limit)s MB, the most an upload may have; nothing was saved. "
        "Split it into smaller files and upload them one by one."
    ) % {"limit": megabytes(limits().max_bytes)}


def read_bounded(file: UploadedFile[bytes] | UploadedFile[str]) -> bytes:
    """The file's bytes, refused as soon as there are more than the limit."""
    limit = limits().max_bytes
    if file.size is not None and file.size > limit:
        raise UploadError([too_large()])
    file.seek(0)
    parts, size = [], 0
    for chunk in file.chunks():
        data = chunk.encode() if isinstance(chunk, str) else chunk
        size += len(data)
        if size > limit:
            raise UploadError([too_large()])
        parts.append(data)
    return b"".join(parts)


def check_upload(file: UploadedFile[Any], kinds: Collection[Kind]) -> CheckedUpload:
    """Read an uploaded file (bounded) and check it; raises ``UploadError``."""
    return check_content(file.name or "", read_bounded(file), kinds)


def check_content(name: str, content: bytes, kinds: Collection[Kind]) -> CheckedUpload:
    """Check a file's bytes; raises ``UploadError`` with every reason it is refused."""
    if len(content) > limits().max_bytes:
        raise UploadError([too_large()])
    kind = _kind_of(name, content, kinds)
    if kind == Kind.XLSX:
        inspect_workbook(content)
    elif kind == Kind.CSV:
        _check_csv_size(content)
    return CheckedUpload(name=name, kind=kind, content=content)


def checked_from_payload(payload: dict[str, Any], kinds: Collection[Kind]) -> CheckedUpload:
    """The upload a job carries, checked again (cheap) before the job reads it."""
    try:
        content = base64.b64decode(payload["content"], validate=True)
    except (KeyError, ValueError) as error:
        raise UploadError([_("The uploaded file is no longer there; upload it again.")]) from error
    return check_content(str(payload.get("name", "")), content, kinds)


def without_content(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key not in CONTENT_KEYS}


# Telling the type by content ---------------------------------------------------------------


def _named_xlsx(name: str) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm", ".xls"))


def _kind_of(name: str, content: bytes, kinds: Collection[Kind]) -> Kind:
    wanted = _wanted(kinds)
    if not content.strip():
        raise UploadError([_("The file is empty.")])
    for kind, signature in _SIGNATURES.items():
        if kind in kinds and content.startswith(signature):
            return kind
    if frozenset(kinds) <= DOCUMENTS:
        raise UploadError(
            [
                _(
                    "Only a PDF document or a JPEG or PNG picture can be attached; this file is not one."
                )
            ]
        )
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if Kind.XLSX not in kinds:
            raise UploadError([_("The file is a ZIP archive; upload %(wanted)s.") % wanted])
        return Kind.XLSX
    if content.startswith(_OLE):
        raise UploadError(
            [
                _(
                    "The file is an old Excel workbook (.xls) or another old Office file. "
                    "Open it in Excel and save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”."
                )
            ]
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(
            [
                _(
                    "The file is text in UTF-16, not UTF-8. In Excel save it as “CSV UTF-8 "
                    "(comma delimited)”; in another program choose the UTF-8 encoding."
                )
            ]
        )
    if b"\x00" in content:
        if _named_xlsx(name) and Kind.XLSX in kinds:
            raise UploadError([_not_a_zip()])
        raise UploadError([_("The file is not text; upload %(wanted)s.") % wanted])
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        if _named_xlsx(name) and Kind.XLSX in kinds:
            raise UploadError([_not_a_zip()]) from error
        line = content[: error.start].count(b"\n") + 1
        raise UploadError(
            [
                _(
                    "The file is not in the UTF-8 encoding (the first character that is not is "
                    "on line %(line)s). In Excel save it as “CSV UTF-8 (comma delimited)”; in "
                    "another program choose the UTF-8 encoding."
                )
                % {"line": line}
            ]
        ) from error
    if Kind.JSON in kinds:
        return Kind.JSON
    if Kind.CSV in kinds:  # text under an .xlsx name too: it is read as what it is
        return Kind.CSV
    raise UploadError([_("The file is text; upload %(wanted)s.") % wanted])


def _wanted(kinds: Collection[Kind]) -> dict[str, str]:
    if Kind.JSON in kinds:
        return {"wanted": _("a JSON file")}
    if Kind.CSV in kinds and Kind.XLSX in kinds:
        return {"wanted": _("a CSV file (UTF-8) or an XLSX workbook")}
    return {"wanted": _("an XLSX workbook") if Kind.XLSX in kinds else _("a CSV file (UTF-8)")}


def _not_a_zip() -> str:
    return _(
        "The file is named as an XLSX workbook but is not one (it is not a ZIP archive, as "
        "every XLSX file is). Save it again from Excel as “Excel Workbook (.xlsx)”, or upload "
        "it as “CSV UTF-8”."
    )


def _check_csv_size(content: bytes) -> None:
    lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    if lines > limits().max_rows + 1:
        raise UploadError([_too_many_rows()])


def _too_many_rows() -> str:
    return _(
        "The file has more than %(limit)s rows; split it into smaller files and upload them one "
        "by one."
    ) % {"limit": number_format(limits().max_rows, force_grouping=True)}


# Workbooks --------------------------------------------------------------------------------


def _damaged(detail: object) -> str:
    return _(
        "The workbook is damaged and cannot be opened (%(detail)s). Open it in Excel and save "
        "it again, or upload it as “CSV UTF-8”."
    ) % {"detail": detail}


def inspect_workbook(content: bytes) -> None:
    """Check an XLSX before anything unpacks it: its ZIP directory (sizes, ratios, members),
    that it is a workbook with a sheet, and, streaming each member, that it declares no XML
    entities and that no sheet has too many rows."""
    limit = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise UploadError([_damaged(_("not a readable ZIP archive"))]) from error
    with archive:
        members = archive.infolist()
        _check_directory(members, limit)
        names = {m.filename for m in members}
        sheets = [m for m in members if _is_sheet(m.filename)]
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UploadError(
                [
                    _(
                        "The file is a ZIP archive but not an XLSX workbook. Upload the "
                        "workbook itself (.xlsx), not an archive of files."
                    )
                ]
            )
        if not sheets:
            raise UploadError(
                [_("The workbook has no sheet. The data must be on its first sheet.")]
            )
        for member in members:
            if member.is_dir():
                continue
            rows = _scan(archive, member, count_rows=member in sheets)
            if rows > limit.max_rows + 1:
                raise UploadError([_too_many_rows()])


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2


def _check_directory(members: list[zipfile.ZipInfo], limit: Limits) -> None:
    if len(members) > limit.max_members:
        raise UploadError(
            [
                _("The workbook holds more than %(limit)s parts; Excel never writes so many.")
                % {"limit": limit.max_members}
            ]
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadError(
                [_("The workbook is protected with a password; remove the password and upload it.")]
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > limit.max_ratio:
            raise UploadError([_unpacks_too_far(limit)])
        if total > limit.max_uncompressed:
            raise UploadError([_unpacks_too_far(limit)])


def _unpacks_too_far(limit: Limits) -> str:
    return _(
        "The workbook unpacks to much more than its size (more than %(size)s MB, or more than "
        "%(ratio)s times its packed size): it is not a table Excel made, and it was refused. "
        "Upload the data as “CSV UTF-8”, or split it into smaller workbooks."
    ) % {"size": megabytes(limit.max_uncompressed), "ratio": limit.max_ratio}


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, count_rows: bool) -> int:
    """Unpack one member in chunks (never whole): refuse entity declarations, count rows."""
    rows, tail, read = 0, b"", 0
    try:
        with archive.open(member) as stream:
            for chunk in _chunks(stream):
                read += len(chunk)
                if read > member.file_size:  # zipfile stops at the declared size; be sure
                    raise UploadError([_unpacks_too_far(limits())])
                buffer = tail + chunk
                if _ENTITY.search(buffer):
                    raise UploadError(
                        [
                            _(
                                "The workbook declares XML entities, which Excel never writes; "
                                "it was refused."
                            )
                        ]
                    )
                cut = buffer.rfind(b"<")
                complete, tail = (buffer, b"") if cut == -1 else (buffer[:cut], buffer[cut:][:64])
                if count_rows:
                    rows += len(_ROW_TAG.findall(complete))
        if count_rows and _ROW_TAG.match(tail + b" "):
            rows += 1
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
        raise UploadError([_damaged(member.filename)]) from error
    return rows


def _chunks(stream: io.BufferedIOBase | Any) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


# The form field and the request's upload handler ------------------------------------------


class UploadField(forms.FileField):
    """A file field whose cleaned value is a ``CheckedUpload`` of one of ``kinds``."""

    def __init__(self, *, kinds: Collection[Kind] = TABLES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kinds = frozenset(kinds)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if not file:
            return file
        try:
            return check_upload(file, self.kinds)
        except UploadError as error:
            raise forms.ValidationError(error.errors) from error


class UploadTooLargeError(RequestDataTooBig):
    """A request carrying a file over the limit, refused while it is received."""


class LimitedUploadHandler(FileUploadHandler):
    """Refuses a multipart request over the upload limit before the next handlers store it:
    by its declared length before reading, else as soon as a file's bytes pass the limit."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > limits().max_bytes + FORM_OVERHEAD:
            raise UploadTooLargeError(gettext_lazy("The upload is too large."))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > limits().max_bytes:
            self._drop_partial_files()
            raise UploadTooLargeError(gettext_lazy("The upload is too large."))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _drop_partial_files(self) -> None:
        """The next handlers have begun a file (a temporary file on disk): remove it now."""
        for handler in getattr(self.request, "upload_handlers", []):
            partial = getattr(handler, "file", None)
            if handler is not self and partial is not None:
                partial.close()
