"""Spreadsheet files built in the tests, as communes and attackers send them: .ods written by
hand (it is a zip of XML), zip bombs whose inflated size is gigabytes but whose bytes on disk
are a few hundred kilobytes, sparse sheets, and .xls through xlwt."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import openpyxl

# --- .ods ---------------------------------------------------------------------------------------

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_bytes(rows: list[list], sheet: str = "Sheet1") -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves it: strings, numbers and real dates."""
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content.encode(), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# --- .xls ---------------------------------------------------------------------------------------

def xls_bytes(rows: list[list], *, date_format: str = "DD/MM/YYYY") -> bytes:
    """An Excel 97-2003 workbook (BIFF8) written by xlwt; dates as real date cells."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str=date_format)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- hostile files ------------------------------------------------------------------------------

def sparse_xlsx(header: list[str], last_cell: str = "XFD250000", *, declare: bool = True) -> bytes:
    """A header and one more cell far away: the used range ends at ``last_cell``. Without
    ``declare`` the sheet's ``<dimension>`` is removed, so only parsing finds the range."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    sheet[last_cell] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue() if declare else without_dimension(buffer.getvalue())


def _rewritten(data: bytes, change, extra=dict) -> bytes:
    """The zip ``data`` with each part passed through ``change(name, content)``, then the parts
    ``extra()`` gives added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
        for name, content in extra().items():
            target.writestr(name, content)
    return out.getvalue()


def without_dimension(data: bytes) -> bytes:
    """An .xlsx whose sheets do not declare their used range (``<dimension>``, which is optional):
    only parsing finds how far they go."""
    return _rewritten(data, lambda name, part: re.sub(rb"<dimension ref=\"[^\"]*\"/>", b"", part)
                      if name.startswith("xl/worksheets/") else part)


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk*times + tail, compressed once per distinct piece: after a full
    flush the compressor starts afresh, so the compressed chunk is the same bytes every time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    block = chunk * 16
    for _ in range(times // 16):
        crc = zlib.crc32(block, crc)
    for _ in range(times % 16):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return start + piece * times + end, crc, len(head) + len(chunk) * times + len(tail)


def _zip(parts: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip (zip64 where needed) of already-deflated parts: (name, deflated, crc, size, declared size)."""
    out = io.BytesIO()
    central = []
    for name, deflated, crc, _size, declared in parts:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(deflated) & 0xFFFFFFFF,
                              declared & 0xFFFFFFFF, len(encoded), 0) + encoded + deflated)
        central.append((encoded, crc, len(deflated), declared, offset))
    start = out.tell()
    for encoded, crc, compressed, declared, offset in central:
        extra = b""
        size_field = declared
        if declared >= 0xFFFFFFFF:
            extra = struct.pack("<HHQ", 1, 8, declared)
            size_field = 0xFFFFFFFF
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0, crc, compressed, size_field,
                              len(encoded), len(extra), 0, 0, 0, 0, offset) + encoded + extra)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                  b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                  b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                  b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                  b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def zip_bomb_xlsx(header: list[str], inflated_bytes: int = 1536 * 1024 * 1024, *, declared: int | None = None) -> bytes:
    """An .xlsx whose one sheet inflates to ``inflated_bytes`` of rows (1.5 GB by default) from a
    megabyte and a half. ``declared`` is the sheet's size the central directory claims (a liar
says it is small)."""
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(h)}</t></is></c>' for h in header)
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData><row>{cells}</row>').encode()
    row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'
    chunk = row + b" " * (1024 * 1024 - len(row))  # blanks between rows: the best ratio deflate gives
    tail = b"</sheetData></worksheet>"
    sheet, crc, size = _deflate_repeated(head, chunk, max(1, inflated_bytes // len(chunk)), tail)
    parts = []
    for name, data in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                       ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        parts.append((name, deflated, zlib.crc32(data), len(data), len(data)))
    parts.append(("xl/worksheets/sheet1.xml", sheet, crc, size, size if declared is None else declared))
    return _zip(parts)


def zip_bomb_ods(inflated_bytes: int = 1536 * 1024 * 1024) -> bytes:
    """An .ods whose content.xml inflates to ``inflated_bytes`` of blanks."""
    content, crc, size = _deflate_repeated(b'<?xml version="1.0" encoding="UTF-8"?><office:document-content>',
                                           b" " * (1024 * 1024), max(1, inflated_bytes // (1024 * 1024)),
                                           b"</office:document-content>")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    mimetype = compressor.compress(_ODS_MIMETYPE) + compressor.flush()
    return _zip([("mimetype", mimetype, zlib.crc32(_ODS_MIMETYPE), len(_ODS_MIMETYPE), len(_ODS_MIMETYPE)),
                 ("content.xml", content, crc, size, size)])


# --- .xlsx as Excel saves it ----------------------------------------------------------------------

_INLINE = re.compile(rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t>(.*?)</t></is></c>', re.S)


def shared_strings_xlsx(data: bytes, *, prefix: str = "", unnumbered_rows: bool = False) -> bytes:
    """An openpyxl workbook (which writes its text in each cell) rewritten as Excel saves one:
    the text in a shared strings table, the cells pointing into it. ``prefix`` writes the
    sheets' elements with a namespace prefix (``x:row``), as some .NET writers do;
    ``unnumbered_rows`` leaves out every row's number after the first, which the format allows."""
    table: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = table.setdefault(match.group(3), len(table))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    def change(name: str, part: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            part = _INLINE.sub(shared, part)
            if unnumbered_rows:
                part = re.sub(rb'(?<!<sheetData>)<row r="\d+"', b"<row", part)
            if prefix:
                p = prefix.encode()
                part = re.sub(rb"<(/?)(?=[a-zA-Z])", b"<\\1" + p + b":", part)
                part = part.replace(b"<" + p + b":worksheet xmlns=", b"<" + p + b":worksheet xmlns:" + p + b"=")
        elif name == "[Content_Types].xml":
            part = part.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        elif name == "xl/_rels/workbook.xml.rels":
            part = part.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                                b'Id="rIdShared"/></Relationships>')
        return part

    def table_part() -> dict[str, bytes]:  # once the sheets have filled the table
        strings = b"".join(b"<si><t>%s</t></si>" % text for text in table)
        return {"xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                % (len(table), len(table), strings)}

    return _rewritten(data, change, table_part)
