"""The one URL policy: which links may be opened, fetched or shown as links.

Feed content is full of links we must not follow blindly: ``javascript:``,
``data:``, ``file:``, schemes hidden behind percent-encoding
(``%6Aavascript:``), tabs or control characters, and credentials. Every path
that opens a link in a browser, follows a redirect or renders a link goes
through here.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

from tui.core.sanitize import clean

WEB_SCHEMES = frozenset({"http", "https"})
_NUMERIC_HOST = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|mc_cid|mc_eid|igshid|"
    r"_hsenc|_hsmi|mkt_tok|ref_src|yclid|msclkid|cmpid|ncid|ocid|sr_share)$",
    re.I,
)


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
# An absolute http(s) URL of printable ASCII without spaces whose host is a
# plain name or IPv4 address (no user, no brackets): every step of the
# policy below leaves such a URL as it is, so it skips them. Most links in
# feeds are of this form, and a story carries several (its link, its guid,
# the links of its text): the whole policy cost a refresh 70 us a link.
_SIMPLE_WEB = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")
# ...and one with no port, query or fragment either, whose canonical form
# (:func:`canonical_link`) is made from its host and path alone.
_SIMPLE_PAGE = re.compile(r'[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.\-]+)(/[!-"$->@-~]*)?')


def _strip_invisible(url: str) -> str:
    return _INVISIBLE.sub("", url)


def _plain(url: str) -> bool:
    """Is *url* printable ASCII without spaces? Then it holds nothing that
    :func:`clean` or :func:`_strip_invisible` removes (every other
    character they remove is unprintable or beyond ASCII): most links,
    which a feed's every story carries several of, skip both."""
    return url.isascii() and url.isprintable() and " " not in url


def scheme_of(url: str) -> str:
    """The scheme *url* really has, as a browser would see it: after removing
    whitespace and control characters and undoing percent-encoding until it
    no longer changes. Empty for relative or scheme-less URLs."""
    if "%" in url or not _plain(url):
        candidate = _strip_invisible(url)
        for _ in range(5):
            decoded = _strip_invisible(unquote(candidate))
            if decoded == candidate:
                break
            candidate = decoded
        url = candidate
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def safe_web_url(url: str | None) -> str | None:
    """Return *url* cleaned if it is an http(s) link with a host, else None.

    This is the only gate for opening a link in a browser and for turning a
    feed's link into something clickable.
    """
    if not url:
        return None
    if _SIMPLE_WEB.fullmatch(url):
        return url
    stripped = url if _plain(url) else _strip_invisible(clean(url))
    if scheme_of(stripped) not in WEB_SCHEMES:
        return None
    try:
        parts = urlsplit(stripped)
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return stripped


def resolve(base: str | None, link: str | None) -> str | None:
    """Resolve a possibly relative *link* against *base* (a feed or page URL).

    A result that is not http(s) (a ``file:`` base from ``xml:base``, a
    ``javascript:`` link) is returned unchanged so callers can still show
    it as inert text, but :func:`safe_web_url` will refuse it.
    """
    if not link:
        return None
    link = link.strip()
    if base and scheme_of(link) == "":
        try:
            return urljoin(base, link)
        except ValueError:
            return link
    return link


def is_private_host(host: str | None) -> bool:
    """True for loopback, private, link-local and unspecified addresses, and
    for the names ``localhost``/``*.localhost``. Numeric forms browsers
    accept (``0x7f000001``, ``2130706433``) count too."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = _parse_ip(host)
    if address is None:
        return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
        or address.is_multicast
    )


def _parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # The forms the system resolver (inet_aton) also accepts, which a
    # connection would reach but ipaddress does not read: 2130706433,
    # 0x7f000001, 127.1, 0x7f.1, 017700000001 (octal).
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def without_credentials(url: str) -> str:
    """*url* without a user name or password. Story links never need
    them, and ``https://bank.example@evil.example/`` only looks like a
    link to the bank."""
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def web_link(base: str | None, link: str | None) -> str | None:
    """A link from a feed as it is stored and shown: resolved against
    *base* (the feed's or page's URL), http(s) only, without credentials;
    None when it must not be a link."""
    safe = safe_web_url(resolve(base, link))
    return without_credentials(safe) if safe else None


def redact(url: str) -> str:
    """*url* with any password replaced by ``***``, for display and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def normalise(url: str) -> str:
    """A comparison key for a feed URL: scheme and host lower-cased, the
    default port and the fragment dropped. Used to find duplicate feeds."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    scheme = parts.scheme.lower()
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    return urlunsplit(SplitResult(scheme, host, path, parts.query, ""))


def canonical_link(url: str) -> str:
    """A story link with tracking parameters and the fragment removed and
    http/https treated alike, for recognising the same article."""
    simple = _SIMPLE_PAGE.fullmatch(url)
    if simple is not None:
        host, path = simple.groups()
        return f"https://{host.lower().removeprefix('www.')}{(path or '').rstrip('/') or '/'}"
    key = normalise(url)
    parts = urlsplit(key)
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _TRACKING_PARAMS.match(pair.split("=", 1)[0])
    )
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(SplitResult("https", host, path, query, ""))


def typed_url(text: str) -> str:
    """What the user typed as a URL: ``feed://`` read as http, a bare
    domain as https; local paths and other schemes are left as they are."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith("feed://"):
        return "http://" + text[7:]
    if lowered.startswith("feed:"):
        return text[5:]
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", text) and re.match(
        r"^[\w\-]+(\.[\w\-]+)+(:\d+)?(/|$)", text
    ):
        return "https://" + text
    return text
