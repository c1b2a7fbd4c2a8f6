"""Test doubles for the evidence scanner hook."""

from __future__ import annotations

from nyata.reporting.scanning import ScanError, ScanResult

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class EicarScanner:
    """Flags any file that contains the EICAR test string, like a real antivirus would."""

    name = "double"

    def scan(self, data: bytes) -> ScanResult:
        if EICAR_MARK in data:
            return ScanResult(False, "Eicar-Test-Signature")
        return ScanResult(True)


class BrokenScanner:
    name = "broken"

    def scan(self, data: bytes) -> ScanResult:
        raise ScanError("daemon unreachable")
