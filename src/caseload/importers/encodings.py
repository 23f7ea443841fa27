"""Which character encoding a text extract is in, and its text.

The rule, in order:

1. an encoding the user names (``--encoding``) is used as it is, strictly: a byte it cannot read
   is refused with its line and offset;
2. a UTF-16 byte-order mark means UTF-16;
3. a file that reads as UTF-8 (with or without a byte-order mark) is UTF-8;
4. a file that does not, but holds well-formed UTF-8 sequences of two bytes or more, is UTF-8 with
   stray bytes from another encoding (a name typed or pasted from elsewhere): it is refused,
   naming the line, the offset and the value of the first stray byte. Reading it as Windows-1252
   would turn every accented name in the rest of the file into two wrong characters ("Équipe Un"
   into "Ã‰quipe Un"), so a team or a person would silently become another;
5. otherwise the file is a legacy single-byte file, as Excel writes "CSV (Comma delimited)" on
   Windows, and is read as Windows-1252. A byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
   0x90, 0x9D) means it is not, and is refused like a stray byte.
"""

from __future__ import annotations

import codecs
import re

from caseload.errors import InvalidInputError

UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
LEGACY = "cp1252"
SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: Save As, 'CSV UTF-8') and load it again"
ENCODING_HINT = "or give the file's encoding with --encoding, e.g. --encoding cp1252"

# One well-formed UTF-8 character of two to four bytes (RFC 3629: no overlong forms, no
# surrogates, nothing above U+10FFFF).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]"
    rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}"
    rb"|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def check_encoding(name: str | None) -> str | None:
    """The canonical name of a text encoding the user named (None: detect it); refuses a name
    Python does not know, or a codec that is not a text encoding (``zlib``, ``rot13``...)."""
    if name is None or not name.strip():
        return None
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        raise InvalidInputError(
            f"the encoding {name!r} is not one Caseload knows; give a name such as utf-8, cp1252 "
            "or latin-1"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InvalidInputError(
            f"{name!r} is not a character encoding; give a name such as utf-8, cp1252 or latin-1"
        )
    return info.name


UTF8_MARK = b"\xef\xbb\xbf"


def decode_text(content: bytes, *, name: str, encoding: str | None = None) -> str:
    """The text of a file's bytes by the rule above; ``name`` is what refusals call the file."""
    chosen = check_encoding(encoding)
    if chosen is not None:
        if chosen == "utf-8":
            chosen = "utf-8-sig"  # a byte-order mark is not part of the first header
        return _strict(content, chosen, name, f"which is not {encoding}")
    if content.startswith(UTF16_MARKS):
        return _strict(content, "utf-16", name, "which is not UTF-16")
    if b"\x00" in content[:4096]:
        raise InvalidInputError(f"{name}: is not a CSV or XLSX file (it holds binary data)")
    # The byte-order mark is not part of the first header; it is taken off here rather than by
    # the 'utf-8-sig' codec, which reports a bad byte just after the mark at offset 0.
    mark = len(UTF8_MARK) if content.startswith(UTF8_MARK) else 0
    try:
        return content[mark:].decode("utf-8")
    except UnicodeDecodeError as exc:
        if UTF8_MULTIBYTE.search(content):
            raise _stray(
                content,
                mark + exc.start,
                name,
                "which is not UTF-8, though the rest of the file is",
            ) from None
    return _strict(content, LEGACY, name, "which is neither UTF-8 nor Windows-1252")


def _strict(content: bytes, encoding: str, name: str, why: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _stray(content, exc.start, name, why) from None


def line_of(content: bytes, offset: int) -> int:
    """The line (from 1) that holds the byte at ``offset``."""
    return content.count(b"\n", 0, offset) + 1


def _stray(content: bytes, offset: int, name: str, why: str) -> InvalidInputError:
    byte = content[offset] if offset < len(content) else None
    what = "ends part-way through a character" if byte is None else f"has the byte 0x{byte:02X}"
    return InvalidInputError(
        f"{name}: line {line_of(content, offset)} {what} (at byte offset {offset:,} of the file), "
        f"{why}, so nothing was loaded; {SAVE_AS_UTF8}",
        hint=ENCODING_HINT,
    )
