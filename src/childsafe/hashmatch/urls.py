"""URL canonicalisation for URL signals, and the three levels at which a URL can match."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
LEVELS = ("host", "prefix", "exact")
_UNRESERVED = "-._~"
_SAFE_PATH = "/!$&'()*+,;=:@" + _UNRESERVED


class UrlError(ValueError):
    """Not a URL that can be canonicalised."""


def _normalise_escapes(text: str, safe: str) -> str:
    # decode everything, then re-encode what must be: %7e and ~ become one form, %2F inside a segment stays encoded
    parts = re.split(r"(%2[fF])", text)
    return "".join(p.upper() if p.lower() == "%2f" else quote(unquote(p), safe=safe) for p in parts)


def canonical(url: str) -> str:
    """Scheme and host lowercased, default port and fragment dropped, escapes normalised, trailing slash removed
    (except the root), IDNA hosts in ASCII. "HTTP://Example.COM:80/a/./b/../c/" -> "http://example.com/a/c"."""
    if not isinstance(url, str) or not url.strip() or len(url) > 4096:
        raise UrlError("a URL of at most 4096 characters is required")
    text = url.strip()
    if "://" not in text:
        text = "http://" + text  # hotline reports often omit the scheme
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"{url[:80]!r} is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UrlError(f"only http and https URLs are supported, not {scheme!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlError(f"{url[:80]!r} has no host")
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        raise UrlError(f"{host!r} is not a valid host name") from None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    segments: list[str] = []
    for segment in parts.path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(_normalise_escapes(segment, _SAFE_PATH.replace("/", "")))
    path = "/" + "/".join(segments)
    query = _normalise_escapes(parts.query, "=&+,;:@/?!$'()*" + _UNRESERVED) if parts.query else ""
    return urlunsplit((scheme, netloc, path if path != "/" else "/", query, ""))


def keys(url: str) -> list[tuple[str, str]]:
    """Lookup keys for a canonical URL, most specific first: (level, key)."""
    parts = urlsplit(url)
    out = [("exact", url)]
    segments = [s for s in parts.path.split("/") if s]
    for i in range(len(segments), 0, -1):
        out.append(("prefix", f"{parts.netloc}/{'/'.join(segments[:i])}/"))
    out.append(("prefix", f"{parts.netloc}/"))
    host = parts.hostname or ""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        out.append(("host", ".".join(labels[i:])))
    return out


def signal_key(url: str, level: str) -> str:
    """What a bank stores for a URL signal at `level`."""
    if level not in LEVELS:
        raise UrlError(f"level must be one of {', '.join(LEVELS)}")
    canon = canonical(url)
    parts = urlsplit(canon)
    if level == "exact":
        return canon
    if level == "host":
        return parts.hostname or ""
    path = parts.path.rstrip("/")
    return f"{parts.netloc}{path}/" if path else f"{parts.netloc}/"
