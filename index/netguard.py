"""Where a URL fetch may connect: public addresses only, checked before connecting, within one deadline.

A URL's host name is resolved once and every address it gives is checked; the connection then goes to that
checked address, never to a second resolution of the name, so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot reach an internal service. Every socket operation (connect, TLS, each
read and write) also stops at one deadline for the whole fetch, body included, so a slow drip cannot stretch it.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import typing

import httpcore
import httpx

from index.errors import DocumentError, UnsafeAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# cloud instance metadata services (AWS, AWS ECS, Alibaba, AWS over IPv6): credentials live there
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
# what --allow-private lets through: intranet servers and this machine; never metadata, multicast and the like
PRIVATE_KINDS = frozenset({"a loopback address", "a private address", "a link-local address"})


def address_kind(address: IPAddress) -> str | None:
    """What kind of non-public address this is ("a private address"), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if address in METADATA:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "a private address"
    return None


def checked_address(url: httpx.URL, allow_private: bool) -> str:
    """The address to connect to for `url`, once every address its host resolves to has passed the check."""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        msg = f"Could not fetch {url}: {error.strerror}"
        raise DocumentError(msg) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    for address in addresses:
        kind = address_kind(address)
        if kind and not (allow_private and kind in PRIVATE_KINDS):
            shown = kind if url.host == str(address) else f"{kind} ({address})"
            hint = "; pass --allow-private to fetch it" if kind in PRIVATE_KINDS else ""
            raise UnsafeAddress(f"refusing {url}: {shown}{hint}")
    return str(addresses[0])


def within(deadline: float, timeout: float | None) -> float:
    """The timeout for one socket operation: what is left before the deadline, or a timeout if nothing is."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.TimeoutException("the deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, within(self.deadline, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, within(self.deadline, timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        upgraded = self.inner.start_tls(ssl_context, server_hostname, within(self.deadline, timeout))
        return DeadlineStream(upgraded, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to the checked address whatever host name httpcore asks for (the name still goes in the
    Host header and TLS server name), with the deadline on every operation."""

    def __init__(self, address: str, deadline: float) -> None:
        self.address, self.deadline, self.inner = address, deadline, httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = within(self.deadline, timeout)
        stream = self.inner.connect_tcp(self.address, port, timeout, local_address, socket_options)
        return DeadlineStream(stream, self.deadline)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport, its connection pool rebuilt on PinnedBackend (httpx takes no network backend)."""

    def __init__(self, address: str, deadline: float) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=1,
            network_backend=PinnedBackend(address, deadline),
        )
