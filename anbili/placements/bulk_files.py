"""The contract files of 批量登记: several files, or one ZIP, each named by the person's ID number
(150102198506150031.pdf). `contract_files_collect` reads the upload once and gives each row the files its
ID number names; names that match no row are reported, never stored.

The ZIP is treated as hostile (anbili.core.zip_guard): it is checked whole (sizes, ratio, member count,
compression method, traversal and duplicate names, links) before any row is registered, so a refused archive
changes nothing. A member is inflated again, within the same limits, only when its row stores it, and every
file, loose or from the archive, is stored through the evidence store, which sniffs the type by content.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from anbili.core.errors import ApplicationError
from anbili.core.inputs import normalized_text
from anbili.core.masking import mask_identifiers
from anbili.core.zip_guard import MIB, ArchiveMember, ArchiveRefused, ZipLimits, check_archive, read_member
from anbili.evidence.services import evidence_display_name
from anbili.placements.bulk import MAX_ROWS

FIELD = "contract_files"
LABEL = "合同附件"
# One file a row, and room for the folders an archiver adds.
MAX_FILES = MAX_ROWS + 100
ZIP_TOTAL_BYTES = 1024 * MIB
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_DAMAGED_ZIP = "压缩包已损坏或不是有效的 ZIP 文件"


def zip_limits() -> ZipLimits:
    """A member may be as large as one evidence file; the archive inflates to at most 1 GB in all."""
    return ZipLimits(
        max_member_bytes=settings.EVIDENCE_MAX_BYTES,
        max_total_bytes=ZIP_TOTAL_BYTES,
        max_ratio=100,
        ratio_floor=MIB,
        max_members=MAX_FILES,
    )


def shown_file_name(name: str) -> str:
    """A file name as the report shows it: the ID number in it masked (6 + 4)."""
    return mask_identifiers(name)


def _id_key(name: str) -> str | None:
    """The ID number a file name gives (its name without the extension, normalised), None when the name
    carries a hidden character."""
    stem, dot, _ = name.rpartition(".")
    try:
        return normalized_text(stem if dot else name, FIELD, LABEL).replace(" ", "").upper()
    except ApplicationError:
        return None


@dataclass
class ContractFile:
    """One candidate file: a loose upload, or a member of the checked archive."""

    name: str
    upload: UploadedFile | None = None
    archive: zipfile.ZipFile | None = None
    member: ArchiveMember | None = None

    @property
    def shown(self) -> str:
        return shown_file_name(self.member.path if self.member else self.name) or "（无文件名）"

    @contextmanager
    def opened(self) -> Iterator[UploadedFile]:
        """The file as an upload for the evidence store (an archive member is inflated to a private
        temporary file, within the archive's limits)."""
        if self.upload is not None:
            yield self.upload
            return
        assert self.archive is not None and self.member is not None
        with tempfile.SpooledTemporaryFile(max_size=4 * MIB) as target:
            try:
                size = read_member(self.archive, self.member, zip_limits(), target)
            except ArchiveRefused as exc:
                reason = shown_file_name(exc.reason or _DAMAGED_ZIP)
                raise ApplicationError(reason, field=FIELD, code="archive") from None
            yield UploadedFile(file=target, name=self.name, size=size)


@dataclass
class ContractFiles:
    """The files of one upload by the ID number their names give; `others` have no usable name."""

    by_id: dict[str, list[ContractFile]] = field(default_factory=dict)
    others: list[ContractFile] = field(default_factory=list)

    def add(self, candidate: ContractFile) -> None:
        key = _id_key(candidate.name)
        if key:
            self.by_id.setdefault(key, []).append(candidate)
        else:
            self.others.append(candidate)

    def for_row(self, id_number: str) -> list[ContractFile]:
        return self.by_id.get(_id_key(id_number) or "", [])

    def unmatched(self, row_ids: Sequence[str]) -> list[str]:
        """The files no row's ID number names (masked names, in upload order)."""
        known = {_id_key(number) for number in row_ids}
        files = [f for key, group in self.by_id.items() if key not in known for f in group]
        return [f.shown for f in files + self.others]

    @property
    def count(self) -> int:
        return sum(len(group) for group in self.by_id.values()) + len(self.others)


def _refused(name: str, reason: str) -> ApplicationError:
    # The reason may name a member, itself named by an ID number: masked like every shown name.
    return ApplicationError(
        f"无法读取合同附件压缩包 {shown_file_name(name)}（{shown_file_name(reason)}），未登记任何人员",
        field=FIELD,
        code="archive",
    )


def _archive_files(upload: UploadedFile, name: str, archive_stack: ExitStack) -> list[ContractFile]:
    stream = upload.file
    if stream is None:
        raise _refused(name, _DAMAGED_ZIP)
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if not head.startswith(_ZIP_SIGNATURES):
        raise _refused(name, "文件内容不是 ZIP 压缩包")
    try:
        members = check_archive(stream, zip_limits())
    except ArchiveRefused as exc:
        raise _refused(name, exc.reason or _DAMAGED_ZIP) from None
    archive = archive_stack.enter_context(zipfile.ZipFile(stream))
    return [ContractFile(name=m.name, archive=archive, member=m) for m in members]


@contextmanager
def contract_files_collect(uploads: Sequence[UploadedFile]) -> Iterator[ContractFiles]:
    """The contract files of a bulk upload: loose files, or the files of one ZIP (several loose files beside
    it are taken too). Refuses, before any row is registered, more than `MAX_FILES` files, a second ZIP, and
    an archive that is damaged or hostile."""
    files = ContractFiles()
    with ExitStack() as archives:
        zips = 0
        for upload in uploads:
            name = evidence_display_name(upload.name)
            if name.lower().endswith(".zip"):
                zips += 1
                if zips > 1:
                    raise ApplicationError(
                        "「合同附件」只能上传一个 ZIP 压缩包，请把全部合同附件放入同一个压缩包",
                        field=FIELD,
                        code="archives",
                    )
                for candidate in _archive_files(upload, name, archives):
                    files.add(candidate)
            else:
                files.add(ContractFile(name=name, upload=upload))
            if files.count > MAX_FILES:
                raise ApplicationError(
                    f"「合同附件」一次最多 {MAX_FILES} 个文件，请分批导入", field=FIELD, code="too_many"
                )
        yield files
