"""Pluggable malware scanning of uploaded evidence.

`get_scanner()` returns the configured scanner: a dotted path in `NYATA_EVIDENCE_SCANNER` wins
(tests use it for a double); otherwise a ClamAV daemon when `NYATA_CLAMAV` names one
(`unix:/run/clamav/clamd.ctl`, `tcp:127.0.0.1:3310` or `127.0.0.1:3310`); otherwise no scan.
A scanner that cannot answer refuses the file (fail closed).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


class ScanError(RuntimeError):
    """The scanner could not give a verdict."""


class Scanner(Protocol):
    name: str

    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    name = "none"

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(True)


class ClamdScanner:
    """Talks clamd's INSTREAM protocol over a unix or TCP socket."""

    name = "clamav"

    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        addr = self.address
        if addr.startswith("unix:"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            s.connect(addr[len("unix:") :])
            return s
        host, _, port = addr.removeprefix("tcp:").rpartition(":")
        return socket.create_connection((host or "127.0.0.1", int(port)), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as s:
                s.sendall(b"zINSTREAM\0")
                for i in range(0, len(data), CHUNK):
                    chunk = data[i : i + CHUNK]
                    s.sendall(struct.pack("!L", len(chunk)) + chunk)
                s.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = s.recv(4096)
                    if not part:
                        break
                    reply += part
        except (OSError, ValueError) as e:
            raise ScanError(str(e)) from e
        return parse_reply(reply.rstrip(b"\0").decode("utf-8", "replace"))


def parse_reply(text: str) -> ScanResult:
    """`stream: OK` → clean; `stream: Eicar-Test-Signature FOUND` → infected; anything else is an error."""
    body = text.partition(": ")[2] if ": " in text else text
    if body == "OK":
        return ScanResult(True)
    if body.endswith(" FOUND"):
        return ScanResult(False, body.removesuffix(" FOUND"))
    raise ScanError(text or "empty reply")


def get_scanner() -> Scanner:
    dotted = getattr(settings, "NYATA_EVIDENCE_SCANNER", "")
    if dotted:
        scanner: Scanner = import_string(dotted)()
        return scanner
    clamav = getattr(settings, "NYATA_CLAMAV", "")
    if clamav:
        return ClamdScanner(clamav)
    return NoScanner()
