"""Writing audit rows: `audit_record` is the one way in (docs/security.md lists what is recorded)."""

from __future__ import annotations

from typing import Any

from django.db import models

from anbili.audit.models import AuditAction, AuditEntry
from anbili.core.masking import mask_identifiers


def client_address(request: Any) -> str | None:
    """The caller's address as the web server saw it (a proxy in front sets REMOTE_ADDR through its own
    middleware; a client-sent X-Forwarded-For is never trusted here)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    action: AuditAction | str,
    *,
    request: Any = None,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    region_code: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. `actor` defaults to the request's user; `obj` fills the object's type, id and
    label; `region_code` defaults to the actor's region. Every text is masked before it is stored."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    if not region_code and actor is not None:
        region_code = getattr(actor, "region_id", None) or ""
    clean_detail = {
        key: mask_identifiers(value) if isinstance(value, str) else value
        for key, value in (detail or {}).items()
    }
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=mask_identifiers(getattr(actor, "username", "") if actor is not None else "")[:150],
        action=str(action),
        object_type=object_type[:64],
        object_id=mask_identifiers(object_id)[:64],
        object_label=mask_identifiers(object_label)[:200],
        region_code=region_code[:6],
        ip=client_address(request),
        detail=clean_detail,
    )
