"""Content inspection for the upload pipeline: web markers anywhere in a file, and active content in PDFs.

Both read the private spooled copy in bounded chunks, so a 100 MB upload never sits in memory whole for
these checks. `services.evidence_store` turns a finding into the user's refusal message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

# Web content that makes a browser, a mail client or a careless viewer treat the file as a page or a script.
# Each marker must be followed by 8 bytes of plain text (what any real payload is): random bytes of
# compressed image or PDF data spell "<svg" about once in 500 MB, but "<svg" and 8 text bytes about once in
# a million 100 MB files. The window is lower-cased first and every pattern starts with a literal, so the
# regex engine skips ahead with a fast substring search (about 0.3 s for 100 MB; IGNORECASE took 7 s).
_TEXT = rb"[\t\n\r\x20-\x7e]{8}"
_TAG_PATTERN = re.compile(rb"<(?:script|html|\?php|svg|!doctype\s+html|iframe|object|embed|body)" + _TEXT)
_URL_PATTERN = re.compile(rb"script:" + _TEXT)  # javascript: and vbscript: (the prefix is checked below)
_URL_SCHEMES = (b"java", b"vb")
_TEXT_AFTER_MARKER = 8
_LOWER = bytes.maketrans(bytes(range(ord("A"), ord("Z") + 1)), bytes(range(ord("a"), ord("z") + 1)))
# Longer than any match (the longest marker, "<!doctype" + spaces + "html", plus the text after it), so a
# marker that straddles two chunks is whole in the second one.
_OVERLAP = 96
SCAN_CHUNK = 1024 * 1024

# What a PDF viewer runs or hands to another program: action types, and keys that carry scripts or files.
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition"})
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/XFA", "/RichMedia"})
# The raw-bytes second line looks for these names outside stream data (inside it they are left to the
# parser, which reads object streams; compressed bytes would give false alarms). Names may be spelt with
# #xx escapes. The pattern starts with a literal "/", so the regex engine skips ahead quickly.
_PDF_RAW_PATTERN = re.compile(
    rb"/(?:(?:JavaScript|JS|Launch|SubmitForm|ImportData|EmbeddedFiles|XFA|RichMedia)(?![A-Za-z0-9#])"
    rb"|[A-Za-z0-9]*#[0-9A-Fa-f]{2}[A-Za-z0-9#]*)"
)
_PDF_RAW_NAMES = frozenset(name.encode() for name in _PDF_ACTIVE_KEYS | _PDF_ACTIVE_ACTIONS)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _windows(file: IO[bytes], chunk: int) -> Iterator[tuple[int, bytes, bool]]:
    """The file as overlapping windows: (offset of the window in the file, the previous window's last
    _OVERLAP bytes + the next chunk, whether it is the last). Memory stays near one chunk."""
    file.seek(0)
    carry = b""
    base = 0
    pending = file.read(chunk)
    while pending:
        following = file.read(chunk)
        window = carry + pending
        yield base, window, not following
        carry = window[-_OVERLAP:]
        base += len(window) - len(carry)
        pending = following


def find_web_marker(file: IO[bytes], *, chunk: int = SCAN_CHUNK) -> bytes | None:
    """The first HTML / script marker anywhere in the file (case-insensitive), or None."""
    for _, window, last in _windows(file, chunk):
        text = window.translate(_LOWER)
        if last:
            # The end of the file counts as text after a marker: "<html>" as the last bytes is still HTML.
            text += b" " * _TEXT_AFTER_MARKER
        match = _TAG_PATTERN.search(text)
        if match:
            return match.group(0)[:-_TEXT_AFTER_MARKER]
        for match in _URL_PATTERN.finditer(text):
            scheme = next((s for s in _URL_SCHEMES if text.endswith(s, 0, match.start())), None)
            if scheme is not None:
                return scheme + match.group(0)[:-_TEXT_AFTER_MARKER]
    return None


def find_raw_pdf_active_name(file: IO[bytes], *, chunk: int = SCAN_CHUNK) -> bytes | None:
    """An active-content name (`/JS`, `/JavaScript`, `/Launch`, … also spelt with `#xx` escapes) written
    outside stream data anywhere in the file, or None. It catches objects that no cross-reference table
    names (appended after %%EOF, or in a damaged file a viewer would repair), which the parser never visits.
    """
    in_stream = False
    seen = 0  # file offset up to which the file was read (a window's head was the previous one's tail)
    for base, window, last in _windows(file, chunk):
        # Anything starting in the last _OVERLAP bytes waits for the next window, where it is whole.
        limit = len(window) if last else len(window) - _OVERLAP
        pos = max(0, seen - base)
        while pos < limit:
            if in_stream:
                end = window.find(b"endstream", pos)
                if end == -1 or end >= limit:
                    pos = limit
                    break
                pos, in_stream = end + len(b"endstream"), False
                continue
            start = _stream_keyword(window, pos)
            segment_end = limit if start == -1 or start >= limit else start
            for match in _PDF_RAW_PATTERN.finditer(window, pos):
                if match.start() >= segment_end:
                    break
                name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))
                if name in _PDF_RAW_NAMES:
                    return name
            if segment_end == limit:
                pos = limit
                break
            pos, in_stream = start + len(b"stream"), True
        seen = base + pos
    return None


def _stream_keyword(window: bytes, pos: int) -> int:
    """Where the next `stream` keyword (not the end of `endstream`, followed by an end of line) starts."""
    found = window.find(b"stream", pos)
    while found != -1:
        if window[max(0, found - 3) : found] != b"end" and window[found + 6 : found + 7] in (b"\r", b"\n"):
            return found
        found = window.find(b"stream", found + 1)
    return -1


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) of a dictionary's entries or (None, item) of an array's, without following references."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if isinstance(value, DictionaryObject):
        # raw_get: an IndirectObject stays a reference (that object is visited on its own).
        yield from ((key, value.raw_get(key)) for key in value)
    elif isinstance(value, ArrayObject):
        yield from ((None, item) for item in value)


def _active_in(obj: Any) -> str | None:
    """The first active-content finding in one object and its direct (nested, not referenced) children."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, DictionaryObject):
            action = value.get("/S") if "/S" in value else None
            action = action.get_object() if isinstance(action, IndirectObject) else action
            if action in _PDF_ACTIVE_ACTIONS:
                return f"action {action}"
            if action == "/URI":
                uri = value.get("/URI")
                uri = uri.get_object() if isinstance(uri, IndirectObject) else uri
                text = str(uri or "").strip().lower()
                if text.startswith(("javascript:", "vbscript:", "data:", "file:")):
                    return "action /URI script"
            for key in value:
                if key in _PDF_ACTIVE_KEYS:
                    return f"key {key}"
        if isinstance(value, DictionaryObject | ArrayObject):
            stack.extend(
                child for _, child in _children(value) if isinstance(child, DictionaryObject | ArrayObject)
            )
    return None


def pdf_active_content(reader: Any) -> str | None:
    """What makes a parsed PDF active, looking at every object it contains, or None.

    Every object the cross-reference tables list is parsed, those inside compressed object streams too, so
    an action is found wherever it hangs: the catalogue's /OpenAction or /AA, a page's /AA, an annotation's
    /A or /AA, a /Next chain, a JavaScript name tree, an orphan object. Stream data is not decoded except
    for object streams; a parsed stream's data is dropped from the reader's cache at once, so memory stays
    near one stream at a time.
    """
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject, StreamObject

    finding = _active_in(reader.trailer)
    if finding:
        return finding
    references = [(num, gen, False) for gen, entries in reader.xref.items() for num in entries]
    references += [(num, 0, True) for num in reader.xref_objStm]
    for num, gen, compressed in references:
        try:
            obj = reader.get_object(IndirectObject(num, gen, reader))
        except LimitReachedError:
            if compressed:
                raise
            # A stream longer than pypdf reads (75 MB: a big scan). Its dictionary is plain bytes before
            # the stream data, which the raw-bytes line reads; a stream never sits in an object stream.
            continue
        finding = _active_in(obj)
        if finding:
            return finding
        if isinstance(obj, StreamObject) and obj.get("/Type") != "/ObjStm":
            reader.resolved_objects.pop((gen, num), None)
    return None
