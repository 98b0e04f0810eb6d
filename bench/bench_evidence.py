"""Time of the upload pipeline (type sniffing, structure checks, sha256, storage) per file kind.

Prints medians of several runs; not part of the test suite. Run: `uv run python bench/bench_evidence.py`.
Uses the test settings (in-memory storage) and a throw-away test database.
"""

import io
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from pypdf.generic import NameObject, StreamObject  # noqa: E402

from anbili.core.errors import ApplicationError  # noqa: E402
from anbili.core.identifiers import make_uscc  # noqa: E402
from anbili.employers.models import Employer  # noqa: E402
from anbili.evidence.services import evidence_store  # noqa: E402
from anbili.regions.models import Region  # noqa: E402
from anbili.regions.services import regions_seed  # noqa: E402

RUNS = 5


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def pdf(pages: int, payload_mb: int) -> bytes:
    """A PDF of blank pages; the first page's content stream carries `payload_mb` of data, like a scan."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if payload_mb:
        stream = StreamObject()
        stream.set_data(b"% " + os.urandom(payload_mb * 1024 * 1024 // 2).hex().encode())
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bomb() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def measure(employer: Employer, name: str, content: bytes) -> tuple[float, str]:
    times = []
    outcome = ""
    for _ in range(RUNS):
        upload = SimpleUploadedFile(name, content)
        start = time.perf_counter()
        try:
            evidence_store(employer=employer, uploaded_by=None, upload=upload, purpose="contract")
            outcome = "stored"
        except ApplicationError as exc:
            outcome = f"refused ({exc.code})"
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def main() -> None:
    connection.creation.create_test_db(verbosity=0)
    regions_seed()
    region = Region.objects.get(code="150102")
    employer = Employer.objects.create(
        uscc=make_uscc("91150102MA0BENCH0"),
        name="基准测试单位",
        nature="enterprise",
        dpf_region=region,
        tax_region=region,
        admin_region=region,
    )
    cases = [
        ("phone photo 4000×3000 JPEG", "photo.jpg", jpeg(4000, 3000)),
        ("scan 2480×3508 JPEG (A4 300 dpi)", "scan.jpg", jpeg(2480, 3508)),
        ("PDF 20 pages", "contract.pdf", pdf(20, 0)),
        ("PDF 3 pages, 50 MB content stream", "big.pdf", pdf(3, 50)),
        ("PDF 3 pages, 99 MB content stream", "big.pdf", pdf(3, 99)),
        ("PNG bomb 100000×100000", "bomb.png", png_bomb()),
    ]
    print(
        f"evidence pipeline, median of {RUNS} runs; {timezone.localdate()} {platform.machine()} "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{'file':40} {'size':>10} {'ms':>9}  outcome")
    for label, name, content in cases:
        seconds, outcome = measure(employer, name, content)
        size = f"{len(content) / 1024 / 1024:.1f} MB" if len(content) > 1024 * 1024 else f"{len(content)} B"
        print(f"{label:40} {size:>10} {seconds * 1000:9.1f}  {outcome}")


if __name__ == "__main__":
    main()
