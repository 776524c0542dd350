"""Downloading a remote image, carefully.

An image address in an imported post is chosen by whoever wrote the post or
the feed, so fetching it is bounded like any request made for a stranger:

- only ``http`` and ``https``, also after every redirect (at most
  ``MAX_REDIRECTS``; a loop is reported as one);
- the host's addresses must all be public: private, loopback, link-local,
  reserved and multicast addresses are refused (``IMAGE_FETCH_ALLOW_PRIVATE``
  allows them), and the connection goes to the address that was checked, so
  a second DNS answer cannot send it elsewhere;
- no ``Referer`` and no cookies; a ``User-Agent`` that names the site;
- one deadline (``IMAGE_FETCH_TIMEOUT``) for the whole download, redirects and
  a server that sends a byte a second included;
- a size cap (``IMAGE_FETCH_MAX_BYTES``), checked against ``Content-Length``
  and again while reading;
- the answer must be ``200`` with an ``image/*`` content type (not SVG).

The content is then checked like an upload (``processing.clean_image``).
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "NewsroomImageFetcher/1.0 (+{site})"
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,image/*;q=0.8"
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The image could not be fetched; the message says why."""


@dataclass(frozen=True)
class Download:
    url: str  # after redirects
    content: bytes
    content_type: str


def fetch_image(url, *, timeout=None, max_bytes=None, allow_private=None):
    """Download the image at ``url``; ``FetchError`` says why not."""
    timeout = settings.IMAGE_FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = settings.IMAGE_FETCH_MAX_BYTES if max_bytes is None else max_bytes
    allow_private = settings.IMAGE_FETCH_ALLOW_PRIVATE if allow_private is None else allow_private
    deadline = time.monotonic() + timeout
    if url.startswith("//"):
        url = "https:" + url
    seen = []
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            seen.append(url)
            connection, response, sock = _request(url, deadline, allow_private)
            try:
                if response.status in REDIRECTS:
                    location = response.getheader("Location")
                    if not location:
                        raise FetchError(f"HTTP {response.status} without a Location")
                    url = urljoin(url, location.strip())
                    if url in seen:
                        raise FetchError("redirect loop")
                    continue
                if response.status != 200:
                    raise FetchError(f"HTTP {response.status} {response.reason}".strip())
                content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                if not content_type.startswith("image/") or content_type == "image/svg+xml":
                    raise FetchError(f"not an image (Content-Type: {content_type or 'none'})")
                declared = response.getheader("Content-Length") or ""
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"larger than {max_bytes:,} bytes")
                content = _read(sock, response, deadline, max_bytes)
                return Download(url, content, content_type)
            finally:
                response.close()
                connection.close()
                sock.close()
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise FetchError(f"took longer than {timeout:g} s") from None
    except ssl.SSLError as error:
        raise FetchError(f"TLS error: {error.reason or error}") from None
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"cannot reach it: {error}") from None


def is_public_address(address):
    """Whether ``address`` (an IP address string) may be fetched from without
    ``IMAGE_FETCH_ALLOW_PRIVATE``."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local)


def _request(url, deadline, allow_private):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) address: {url[:100]}")
    if not parts.hostname:
        raise FetchError(f"no host in {url[:100]}")
    if parts.username or parts.password:
        raise FetchError("addresses with a user name or password are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"bad port in {url[:100]}") from None
    host = parts.hostname
    address = _checked_address(host, port, allow_private)
    remaining = _remaining(deadline)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, address, timeout=remaining, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address, timeout=remaining)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    headers = {
        "User-Agent": USER_AGENT.format(site=settings.SITE_URL),
        "Accept": ACCEPT,
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    try:
        connection.request("GET", path, headers=headers)
        # getresponse() hands the socket over to the response when the server
        # closes after it; keep it, to move the deadline closer on each read.
        sock = connection.sock
        sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
    except BaseException:
        connection.close()
        raise
    return connection, response, sock


def _checked_address(host, port, allow_private):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    if not allow_private:
        # All of them: a host with one public and one private address could
        # otherwise be used to reach the private one.
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(f"{host} is a private, loopback or reserved address ({address}); not fetched")
    return addresses[0]


def _remaining(deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _read(sock, response, deadline, max_bytes):
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
