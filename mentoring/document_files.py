"""What an uploaded file is, by its content (never its name), and what an e-signed
container (.edoc, .asice: ASiC-E, a ZIP with XAdES signatures) says it signs and who signed."""

from __future__ import annotations

import base64
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import NameOID
from lxml import etree

ASICE = "application/vnd.etsi.asic-e+zip"
# content type -> the name endings that may carry it
KINDS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    ASICE: (".edoc", ".asice", ".sce", ".bdoc"),
}
DS = "http://www.w3.org/2000/09/xmldsig#"
UNZIPPED_LIMIT = 200 * 1024 * 1024  # a container that unpacks to more is not read
SIGNATURE_LIMIT = 2 * 1024 * 1024


def sniff(data: bytes) -> str | None:
    """The content type by the file's first bytes, or None for anything not accepted."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
                if sum(i.file_size for i in infos) > UNZIPPED_LIMIT:
                    return None
                mimetype = archive.getinfo("mimetype")
                if mimetype.file_size < 100 and archive.read(mimetype).strip() == ASICE.encode():
                    return ASICE
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
            return None
    return None


def matches_name(content_type: str, filename: str) -> bool:
    return filename.lower().endswith(KINDS.get(content_type, ()))


def safe_name(filename: str) -> str:
    """A name to show and to offer on download: no path, no control or quote characters,
    Latvian letters kept, at most 120 characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .") or "document"
    stem, dot, ending = name.rpartition(".")
    if dot and len(ending) <= 6:
        return f"{stem[:110]}.{ending}"
    return name[:120]


@dataclass
class Container:
    signed_files: list[str] = field(default_factory=list)
    signers: list[str] = field(default_factory=list)


def read_container(data: bytes) -> Container:
    """The signed files and the signers' names (from their certificates) of an ASiC-E
    container; what cannot be read is left out, the file is still kept."""
    found = Container()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        found.signed_files = [n for n in names
                              if n != "mimetype" and not n.startswith("META-INF/")]
        for name in names:
            if not re.fullmatch(r"META-INF/.*signatures.*\.xml", name) \
                    or archive.getinfo(name).file_size > SIGNATURE_LIMIT:
                continue
            try:
                tree = etree.fromstring(archive.read(name),
                                        etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError:
                continue
            for element in tree.iter(f"{{{DS}}}X509Certificate"):
                try:
                    cert = x509.load_der_x509_certificate(
                        base64.b64decode("".join((element.text or "").split())))
                except ValueError:
                    continue
                names_found = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
                if names_found:
                    signer = str(names_found[0].value)
                    if signer not in found.signers:
                        found.signers.append(signer)
    return found
