"""The Pemda's electronic seal: PAdES signatures on the documents it issues, and their validation.

Shared by every document a Pemda seals (signed PK, LKjIP, evaluation reports, rating sheets);
it knows nothing of what it seals.

With `settings.SEAL_P12` set, that PKCS#12 is the seal. Without it (development and demo) a
local CA and a seal certificate are created once under `DATA_DIR/seal/`; never use those in
production. Validation trusts only the seal's CA (no network fetching): a PDF signed by any
other certificate fails.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

DEMO_PASSPHRASE = b"nyata-demo-seal"
FIELD_NAME = "SegelElektronikPemda"


@dataclass(frozen=True)
class SealFiles:
    p12: Path
    passphrase: bytes
    ca_der: bytes | None


def _demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "seal"


def problems() -> list[str]:
    """What stops the seal from being trusted here, in plain words; empty when all is well.

    In production the demo seal is never used: its passphrase is in the source. A configured seal
    needs a passphrase from a secret (NYATA_SEAL_PASSPHRASE or ..._FILE) and a key file that only
    its owner can read. `check --deploy` reports these, and signing refuses while any remains.
    """
    if not settings.SEAL_P12:
        if settings.PRODUCTION:
            return [_("Segel elektronik Pemda belum diatur (NYATA_SEAL_P12): di produksi segel demo tidak "
                      "pernah dipakai.")]
        return []
    out = []
    path = Path(settings.SEAL_P12)
    if not path.is_file():
        return [_("Berkas segel elektronik %(p)s tidak ditemukan.") % {"p": path}]
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        out.append(_("Berkas segel elektronik %(p)s dapat dibaca pengguna lain; jadikan 0600.") % {"p": path})
    if settings.PRODUCTION and not settings.SEAL_PASSPHRASE:
        out.append(_("Kata sandi segel elektronik kosong: isi NYATA_SEAL_PASSPHRASE_FILE dari penyimpanan rahasia."))
    elif settings.PRODUCTION and settings.SEAL_PASSPHRASE.encode() == DEMO_PASSPHRASE:
        out.append(_("Segel elektronik memakai kata sandi segel demo yang tercantum di kode sumber."))
    return out


def check_configured() -> None:
    """Refuse, with the reason, to produce a signature the Pemda could not stand behind."""
    found = problems()
    if found:
        raise ValidationError(" ".join(found))


def _write_private(path: Path, content: bytes) -> None:
    """Written under a temporary name with mode 0600, then renamed: never readable by others,
    and a concurrent reader never sees half a file."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def ensure_demo_seal() -> SealFiles:
    """Create (once) a demo CA and an EC P-256 seal certificate signed by it."""
    folder = _demo_dir()
    p12_path, ca_path = folder / "seal.p12", folder / "ca.der"
    if p12_path.exists() and ca_path.exists():
        if p12_path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            p12_path.chmod(0o600)  # written world-readable by an older version
        return SealFiles(p12_path, DEMO_PASSPHRASE, ca_path.read_bytes())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nyata Demo"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Nyata Demo CA (bukan untuk produksi)"),
    ])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nyata Demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Segel Elektronik Pemda (demo)"),
        ]))
        .issuer_name(ca_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"seal", seal_key, seal_cert, [ca_cert],
        serialization.BestAvailableEncryption(DEMO_PASSPHRASE),
    )
    for path, content in ((p12_path, p12), (ca_path, ca_cert.public_bytes(serialization.Encoding.DER))):
        _write_private(path, content)
    return SealFiles(p12_path, DEMO_PASSPHRASE, ca_path.read_bytes())


def seal_files() -> SealFiles:
    if settings.PRODUCTION:
        check_configured()
    if settings.SEAL_P12:
        passphrase = (settings.SEAL_PASSPHRASE or "").encode()
        return SealFiles(Path(settings.SEAL_P12), passphrase, None)
    return ensure_demo_seal()


@functools.lru_cache(maxsize=4)
def _signer(p12: str, passphrase: bytes, mtime: float) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=passphrase)
    if signer is None:
        raise RuntimeError(f"Segel elektronik tidak dapat dibaca: {p12}")
    return cast("signers.SimpleSigner", signer)  # pyHanko is untyped


def signer() -> signers.SimpleSigner:
    files = seal_files()
    return _signer(str(files.p12), files.passphrase, files.p12.stat().st_mtime)


def trust_roots() -> list[asn1_x509.Certificate]:
    """The CA of the seal (demo CA, or the CA certificates bundled in the configured PKCS#12)."""
    files = seal_files()
    if files.ca_der is not None:
        return [asn1_x509.Certificate.load(files.ca_der)]
    s = signer()
    others = list(s.cert_registry) if s.cert_registry is not None else []
    roots = [c for c in others if c.self_signed]
    return roots or [s.signing_cert]


def seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """Certify the PDF with the Pemda's seal (PAdES, certification signature)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    out = signers.sign_pdf(writer, meta, signer=signer())
    return cast("bytes", out.getvalue())


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    message: str
    signer_name: str = ""
    signed_at: dt.datetime | None = None


def validate(pdf: bytes) -> SealCheck:
    """Validate the embedded PAdES signatures against the seal's CA only."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        return SealCheck(False, _("Berkas bukan PDF yang dapat dibaca."))
    if not sigs:
        return SealCheck(False, _("PDF ini tidak memiliki tanda tangan elektronik."))
    try:
        roots = trust_roots()
    except ValidationError as e:  # production without a seal: nothing here can be vouched for
        return SealCheck(False, " ".join(e.messages))
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    last = None
    for sig in sigs:
        try:
            status = validate_pdf_signature(sig, vc)
        except Exception:
            return SealCheck(False, _("Tanda tangan elektronik pada PDF rusak."))
        if not status.intact or not status.valid:
            return SealCheck(False, _("Isi PDF telah diubah setelah ditandatangani."))
        if not status.trusted:
            return SealCheck(False, _("PDF ditandatangani dengan sertifikat yang tidak dipercaya "
                                      "(bukan segel elektronik Pemda)."))
        if not status.bottom_line:
            return SealCheck(False, _("Tanda tangan elektronik pada PDF tidak sah."))
        last = status
    assert last is not None
    cn = last.signing_cert.subject.native.get("common_name", "")
    return SealCheck(True, _("Segel elektronik sah."), str(cn), last.signer_reported_dt)
