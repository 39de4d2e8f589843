"""CSV and XLSX files of the census, streamed: generators of bytes for a StreamingHttpResponse.

    rows = selectors.census_export_rows(census_filter, with_personal_data=False)
    response = StreamingHttpResponse(exports.export_xlsx(rows), content_type=exports.XLSX_TYPE)

Memory stays flat however many rows: CSV is written a row at a time; XLSX through openpyxl's
write-only mode (rows go to a temporary file as they come), then the finished file is read out
in chunks.

No formula ever reaches a spreadsheet: in XLSX every text cell is written as text (type "s",
never "f", so "=HYPERLINK(…)" stays the characters it is); in CSV a text cell starting with
= + - @ (or a tab or carriage return) is prefixed with an apostrophe, as OWASP advises, since a
CSV file has no cell types.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024

__all__ = ["CSV_TYPE", "XLSX_TYPE", "csv_safe", "export_csv", "export_xlsx"]


def csv_safe(value):
    """A CSV cell that no spreadsheet reads as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def export_csv(rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The rows as UTF-8 CSV (with a byte-order mark, so Excel reads the encoding), a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)


def _xlsx_value(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text, whatever it starts with: never a formula or an error code
        return cell
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return int(value)
    return value


def export_xlsx(rows: Iterable[Iterable], *, title: str = "Sensus UMKM") -> Iterator[bytes]:
    """The rows as one XLSX sheet (write-only: flat memory), yielded in chunks once written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
