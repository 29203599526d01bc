"""Decoding report text files whatever their encoding: detected, not assumed."""

from __future__ import annotations

import codecs
import re

from gongkai.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters no text file holds


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM: ASCII characters leave NUL bytes in every other position."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample))
    return "\x00" in sample or bad > max(3, len(sample) // 200)


def _candidates(data: bytes) -> list[str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return [name]
    utf16 = _utf16_without_bom(data)
    return [utf16] if utf16 else ["utf-8", "gb18030"]


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding name) or raises InputError."""
    if not data.strip():
        raise InputError(path, "errors.file.empty")
    for name in _candidates(data):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text, name
        raise InputError(path, "errors.text.binary")
    return _decode_detected(data, path)


def _decode_detected(data: bytes, path: str) -> tuple[str, str]:
    """Last resort for legacy encodings: let charset-normalizer decide, or give up clearly."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise InputError(path, "errors.text.no_encoding")
    text = data.decode(best.encoding, errors="strict") if _strict_ok(data, best.encoding) else None
    if text is None or _looks_binary(text):
        raise InputError(path, "errors.text.binary")
    return text, best.encoding


def _strict_ok(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
