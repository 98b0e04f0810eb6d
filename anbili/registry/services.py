"""Writes of the registry app: partner tokens, import batches and their workflow, and the import run itself.

Batch policy (docs/decisions/0004-import-batches.md): a batch applies its valid rows and reports every other
row with its row number and a Chinese reason; a problem with the file as a whole (type, encoding, header,
size) rejects the batch whole. The valid rows are written in one transaction together with the row reports
and the final status, so a crash leaves nothing half-written and the batch can simply be run again.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from operator import itemgetter
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.core.collector import collector_paused
from anbili.core.errors import ApplicationError
from anbili.regions.models import Region, RegionLevel
from anbili.registry.models import (
    IMPORT_SOURCE,
    PARTNER_IMPORT_KINDS,
    BatchChannel,
    BatchStatus,
    ImportBatch,
    ImportBatchEvent,
    ImportKind,
    ImportRowError,
    Partner,
    PartnerKind,
    PartnerToken,
    partner_token_default_expiry,
)
from anbili.registry.readers import FileRefused, open_table, row_problem
from anbili.registry.signals import import_batch_applied_send
from anbili.registry.specs import CellReader, Problem, spec_for
from anbili.registry.upsert import Provenance, stager_for

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 20_000
TOKEN_PREFIX = "abl_"
# A partner's system keeps a token for a while, but never for ever: renewal at least every three years.
PARTNER_TOKEN_MAX_DAYS = 3 * 365

# --- partners and tokens -------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """The stored form of a token: tokens are 256 random bits, so a plain SHA-256 is enough (no slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    partner: Partner
    token: str  # shown once, never stored
    record: PartnerToken


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def partner_token_issue(
    *,
    name: str,
    kind: str,
    province_code: str,
    expires_at: datetime | None = None,
    actor: Any = None,
    request: Any = None,
) -> IssuedToken:
    """Create the partner if needed and issue it a new bearer token (only its hash is stored), valid until
    `expires_at` (a year by default, at most PARTNER_TOKEN_MAX_DAYS). Audited."""
    now = timezone.now()
    expires_at = expires_at or partner_token_default_expiry()
    if expires_at <= now:
        raise ApplicationError("令牌有效期至必须晚于当前时间", field="expires_at")
    if expires_at > now + timedelta(days=PARTNER_TOKEN_MAX_DAYS):
        raise ApplicationError(
            f"令牌有效期最长3年（{PARTNER_TOKEN_MAX_DAYS}天），到期后请重新签发", field="expires_at"
        )
    if kind not in PartnerKind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in PartnerKind.choices)
        raise ApplicationError(f"合作方类型“{kind}”无效，应为：{allowed}", field="kind")
    name = name.strip()
    if not name:
        raise ApplicationError("合作方名称不能为空", field="name")
    province = _province(province_code)
    partner, _ = Partner.objects.get_or_create(name=name, kind=kind, province=province)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = PartnerToken.objects.create(
        partner=partner,
        token_hash=token_digest(token),
        hint=token[: len(TOKEN_PREFIX) + 4],
        expires_at=expires_at,
    )
    audit_record(
        AuditAction.PARTNER_TOKEN,
        request=request,
        actor=actor,
        obj=record,
        region_code=partner.province_id,
        detail={"event": "issued", "expires_at": expires_at.isoformat()},
    )
    return IssuedToken(partner=partner, token=token, record=record)


@transaction.atomic
def partner_token_revoke(
    *, token_id: int, reason: str = "", actor: Any = None, request: Any = None
) -> PartnerToken:
    """Revoke a token for good (a leaked or retired one); the partner's other tokens keep working. Audited."""
    token = PartnerToken.objects.select_for_update().select_related("partner").filter(pk=token_id).first()
    if token is None:
        raise ApplicationError("没有找到该令牌", field="token", code="not_found")
    if token.revoked_at is not None:
        raise ApplicationError(
            f"令牌{token.hint}…已于{_local(token.revoked_at)}吊销，无需重复操作",
            field="token",
            code="already_revoked",
        )
    reason = reason.strip()
    if len(reason) > 200:
        raise ApplicationError("吊销原因过长（最多200个字符）", field="reason")
    token.active = False
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["active", "revoked_at", "revoked_reason"])
    audit_record(
        AuditAction.PARTNER_TOKEN,
        request=request,
        actor=actor,
        obj=token,
        region_code=token.partner.province_id,
        detail={"event": "revoked", "reason": reason},
    )
    return token


def partner_token_refusal(token: PartnerToken | None) -> str | None:
    """Why a presented token may not be used (the Chinese 401 message), or None when it may. Only the
    holder of the real token learns that it expired or was revoked, so saying so leaks nothing."""
    if token is None or not token.partner.active:
        return "访问令牌无效或已停用"
    if token.revoked_at is not None:
        return f"访问令牌已于{_local(token.revoked_at)}吊销，请联系系统管理员重新签发"
    if not token.active:
        return "访问令牌无效或已停用"
    if token.expires_at <= timezone.now():
        return f"访问令牌已于{_local(token.expires_at)}过期，请联系系统管理员重新签发"
    return None


def _province(province_code: str) -> Region:
    """The province named by a code such as 15 or 150000."""
    code = province_code.strip()
    code = code[:2] + "0000" if len(code) in (2, 6) and code.isdigit() else code
    province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
    if province is None:
        raise ApplicationError(
            f"省份代码“{province_code}”无效（应为如 15 或 150000 的省级代码）", field="province"
        )
    return province


def partner_token_touch(token: PartnerToken) -> None:
    """Record use of a token, at most once a minute (a write per request would slow every push)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- batch workflow ------------------------------------------------------------------------------------

BATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    BatchStatus.RECEIVED: frozenset({BatchStatus.RUNNING}),
    BatchStatus.RUNNING: frozenset({BatchStatus.DONE, BatchStatus.REJECTED, BatchStatus.FAILED}),
    # A failed run (crash, lost worker) may be run again; its writes were rolled back.
    BatchStatus.FAILED: frozenset({BatchStatus.RUNNING}),
    BatchStatus.DONE: frozenset(),
    BatchStatus.REJECTED: frozenset(),
}


class TransitionRefused(ApplicationError):
    """The batch is not in a state that allows the move (e.g. another worker already runs it)."""


@transaction.atomic
def import_batch_transition(*, batch_id: int, to: str, note: str = "", **fields: Any) -> ImportBatch:
    """Move a batch to another status by the transition table, writing the event row; `fields` are saved
    with the move (counts, message, timestamps)."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if to not in BATCH_TRANSITIONS[batch.status]:
        raise TransitionRefused(
            f"导入批次#{batch.pk}当前状态为“{batch.get_status_display()}”，不能变为“{BatchStatus(to).label}”",
            code="transition_refused",
        )
    ImportBatchEvent.objects.create(batch=batch, from_status=batch.status, to_status=to, note=note)
    batch.status = to
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save()
    return batch


def _enqueue(batch_id: int) -> None:
    from anbili.registry.tasks import import_batch_process

    import_batch_process.enqueue(batch_id)


def import_batch_create(
    *,
    kind: str,
    content: bytes | IO[bytes],
    file_name: str = "",
    partner: Partner | None = None,
    channel: str = BatchChannel.COMMAND,
    enqueue: bool = True,
    province_code: str = "",
) -> ImportBatch:
    """Store a delivery and queue its import (after commit); partners may deliver only their own kind.

    A partner's batch is scoped to the partner's province; an operator's batch to `province_code` if given
    (else it may write any province). A scoped batch refuses, row by row, rows whose region lies elsewhere
    and rows that would change a row stored for another province."""
    if kind not in ImportKind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in ImportKind.choices)
        raise ApplicationError(f"数据类型“{kind}”无效，应为：{allowed}", field="kind")
    if partner is not None and kind not in PARTNER_IMPORT_KINDS[partner.kind]:
        raise ApplicationError(
            f"合作方类型“{partner.get_kind_display()}”无权推送“{ImportKind(kind).label}”数据",
            code="forbidden_kind",
        )
    data = content if isinstance(content, bytes) else content.read()
    if len(data) > settings.REGISTRY_IMPORT_MAX_BYTES:
        raise ApplicationError(
            f"文件过大（{len(data) // (1024 * 1024)} MB），单个批次最多 "
            f"{settings.REGISTRY_IMPORT_MAX_BYTES // (1024 * 1024)} MB，请拆分后提交",
            field="file",
            code="too_large",
        )
    if not data.strip():
        raise ApplicationError("文件为空", field="file", code="empty")
    if partner is not None:
        scope = partner.province_prefix
    else:
        scope = _province(province_code).code[:2] if province_code.strip() else ""
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            partner=partner,
            channel=channel,
            province_prefix=scope,
            file_name=file_name[:255],
            sha256=digest,
            size=len(data),
        )
        # The stored name is ours (batch number + digest): a partner's file name is never used as a path.
        batch.payload = default_storage.save(
            f"registry/batches/{batch.pk}-{digest[:16]}.dat", ContentFile(data)
        )
        batch.save(update_fields=["payload"])
        ImportBatchEvent.objects.create(batch=batch, from_status="", to_status=BatchStatus.RECEIVED)
        if enqueue:
            transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def import_batch_applied_before(*, kind: str, sha256: str) -> ImportBatch | None:
    """A finished batch of the same kind and identical content, if one exists (seed_demo skips those)."""
    return (
        ImportBatch.objects.filter(kind=kind, sha256=sha256, status=BatchStatus.DONE).order_by("pk").first()
    )


# --- running a batch -----------------------------------------------------------------------------------

ProgressCallback = Callable[[ImportBatch], None]


def import_batch_run(*, batch_id: int, on_progress: ProgressCallback | None = None) -> ImportBatch:
    """Import one batch: read and check every row (progress saved as it goes), then apply the valid rows,
    the row reports and the final status in one transaction. Idempotent: a finished batch is returned as is,
    and a batch that another worker is running is left to it."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status in (BatchStatus.DONE, BatchStatus.REJECTED):
        return batch
    try:
        batch = import_batch_transition(
            batch_id=batch_id,
            to=BatchStatus.RUNNING,
            started_at=timezone.now(),
            rows_total=0,
            rows_done=0,
            rows_failed=0,
            message="",
        )
    except TransitionRefused:
        return ImportBatch.objects.get(pk=batch_id)
    spec = spec_for(batch.kind)
    stager = stager_for(spec, batch.pk, batch.province_prefix)
    try:
        with default_storage.open(batch.payload, "rb") as file:
            problems, file_format = _read_rows(batch, file, stager, on_progress)
        with transaction.atomic():
            counts = stager.apply(
                Provenance(source=IMPORT_SOURCE[batch.kind], batch_id=batch.pk, received_at=batch.received_at)
            )
            # Rows that would change another province's stored row (found under the apply's table lock).
            problems.extend(
                (row, spec.stored_row_problem(owner, batch.province_prefix)) for row, owner in counts.refused
            )
            batch.rows_failed += len(counts.refused)
            ImportRowError.objects.filter(batch=batch).delete()
            ImportRowError.objects.bulk_create(
                (
                    ImportRowError(
                        batch=batch, row_number=row, column=problem.column[:50], message=problem.message
                    )
                    for row, problem in problems
                ),
                batch_size=1000,
            )
            batch = import_batch_transition(
                batch_id=batch.pk,
                to=BatchStatus.DONE,
                note=f"新增{counts.created}行，更新{counts.updated}行，未变化{counts.unchanged}行，失败{batch.rows_failed}行",
                file_format=file_format,
                rows_total=batch.rows_total,
                rows_done=batch.rows_done,
                rows_failed=batch.rows_failed,
                rows_created=counts.created,
                rows_updated=counts.updated,
                rows_unchanged=counts.unchanged,
                finished_at=timezone.now(),
            )
            # After commit, and robust: what placements do with the news never undoes or fails the batch.
            transaction.on_commit(
                partial(
                    import_batch_applied_send, batch_id=batch.pk, kind=batch.kind, touched=counts.touched
                ),
                robust=True,
            )
    except FileRefused as refused:
        batch = import_batch_transition(
            batch_id=batch.pk,
            to=BatchStatus.REJECTED,
            note=refused.message,
            message=refused.message,
            rows_done=0,
            rows_failed=0,
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("import batch %s failed", batch.pk)
        batch = import_batch_transition(
            batch_id=batch.pk,
            to=BatchStatus.FAILED,
            note=repr(error)[:500],
            message="处理过程中出现系统错误，本批次未写入任何数据；请稍后重新提交或联系系统管理员",
            finished_at=timezone.now(),
        )
    finally:
        stager.discard()
    if on_progress is not None:
        on_progress(batch)
    return batch


def _read_rows(
    batch: ImportBatch, file: IO[bytes], stager: Any, on_progress: ProgressCallback | None
) -> tuple[list[tuple[int, Problem]], str]:
    """Parse every row, stage the valid ones chunk by chunk, and return the row problems and file format."""
    with collector_paused():
        return _read_rows_unpaused(batch, file, stager, on_progress)


def _read_rows_unpaused(
    batch: ImportBatch, file: IO[bytes], stager: Any, on_progress: ProgressCallback | None
) -> tuple[list[tuple[int, Problem]], str]:
    spec = spec_for(batch.kind)
    table = open_table(file, spec.columns)
    if table.estimated_rows > settings.REGISTRY_IMPORT_MAX_ROWS:
        raise FileRefused(
            f"文件约有{table.estimated_rows}行，单个批次最多{settings.REGISTRY_IMPORT_MAX_ROWS}行，请拆分后导入"
        )
    cells = CellReader(table.format, timezone.localdate(), batch.province_prefix)
    parse = spec.make_parser(cells, spec)
    # Read once, not per row: the loop below is the import's hot path (P3, docs/performance.md); settings
    # is a lazy object whose every attribute read costs about a microsecond.
    key_of = itemgetter(*spec.key_positions)
    max_rows = settings.REGISTRY_IMPORT_MAX_ROWS
    # Only a JSON Lines reader marks rows it could not turn into cells.
    marks_rows = table.format == "jsonl"
    key_words = spec.key_description()
    seen: dict[tuple[Any, ...], int] = {}
    problems: list[tuple[int, Problem]] = []
    chunk: list[tuple[Any, ...]] = []
    # Row numbers beside the chunk: a scoped stager names the rows its stored-row check refuses.
    numbers: list[int] = []
    done = failed = 0
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=table.estimated_rows)
    for row_number, raw in table.rows:
        done += 1
        reason = row_problem(raw) if marks_rows else None
        parsed = [Problem("", reason)] if reason else parse(raw)
        if isinstance(parsed, list):
            failed += 1
            problems.extend((row_number, problem) for problem in parsed)
        else:
            key = key_of(parsed)
            first = seen.setdefault(key, row_number)
            if first != row_number:
                failed += 1
                problems.append(
                    (
                        row_number,
                        Problem("", f"与第{first}行重复（{key_words}相同），本行未导入，以第{first}行为准"),
                    )
                )
            else:
                chunk.append(parsed)
                numbers.append(row_number)
        if done > max_rows:
            raise FileRefused(f"单个批次最多{max_rows}行，请拆分后导入")
        if done % PROGRESS_EVERY == 0:
            stager.stage(chunk, numbers)
            chunk, numbers = [], []
            _save_progress(batch, done, failed, max(table.estimated_rows, done), on_progress)
    stager.stage(chunk, numbers)
    if done == 0:
        raise FileRefused("文件中没有数据行（只有表头或为空）")
    batch.rows_total, batch.rows_done, batch.rows_failed = done, done, failed
    return problems, table.format


def _save_progress(
    batch: ImportBatch, done: int, failed: int, total: int, on_progress: ProgressCallback | None
) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done, rows_failed=failed, rows_total=total)
    batch.rows_done, batch.rows_failed, batch.rows_total = done, failed, total
    if on_progress is not None:
        on_progress(batch)


# --- rows pushed through the API ------------------------------------------------------------------------


def rows_as_jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    """Serialise pushed rows as JSON Lines, so the API and files share one import path."""
    import json

    return "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows).encode()
