"""The one base class of every /admin/ registration: jurisdiction scope and audit rows for admin changes.

A staff admin sees and edits only rows of their own region and below; rows without a region, and rows a
subclass calls national (provinces themselves, nationwide levy periods), are for national admins only.
Superusers are the deployment's operators and stay unscoped. Scope is applied to lists, change, history and
delete pages, bulk deletes, and to every picker: foreign-key choices, autocomplete and raw-id lookups all go
through the related model's scoped queryset, so an out-of-scope row can neither be seen nor chosen.

It lives in the audit app, the lowest Django layer, so that every app's admin module may use it; it knows the
user only through `jurisdiction_prefix` (accounts.User), never by importing accounts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record

NATIONAL_ROW_MESSAGE = "全国性数据（省级区划、全国适用的政策参数等）只能由全国系统管理员维护"
OUT_OF_SCOPE_MESSAGE = "只能维护本辖区（{region}）及下级区划的数据"
OUT_OF_SCOPE_PERMISSION = "{name}（本辖区以外或全国性数据）"


def jurisdiction_of(request: HttpRequest) -> str | None:
    """The region-code prefix the admin user may work in: "" for superusers and national admins (everything),
    a region's prefix for other staff admins, None for anyone else (who then sees nothing)."""
    user = request.user
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return None
    if user.is_superuser:
        return ""
    prefix = getattr(user, "jurisdiction_prefix", None)
    return prefix if isinstance(prefix, str) else None


class ScopedAdmin(admin.ModelAdmin):
    """Jurisdiction scope plus an audit row for each add, change and delete.

    `scope_field` is the path to the row's region code, usable both as an ORM lookup and as attributes
    (e.g. "province_id", "code", "region_code", "employer__dpf_region_id"). None means the table has no
    region: all of it is national. Override `scope_q` and `row_region_code` together when a row's region
    needs more than one path, and `is_national_row` for rows that carry a code yet belong to the national
    tables.
    """

    scope_field: str | None = None
    # The form field blamed when a row would fall outside the jurisdiction (default: from scope_field).
    scope_form_field: str | None = None

    # Scope -------------------------------------------------------------------------------------------------

    def scope_q(self, prefix: str) -> Q | None:
        """Rows under the prefix (never called with ""), or None when the table has no region."""
        if self.scope_field is None:
            return None
        # A foreign key's "x_id" takes no text lookup; its target's primary key (the region code) does.
        lookup = (
            self.scope_field.removesuffix("_id") + "__pk"
            if self.scope_field.endswith("_id")
            else self.scope_field
        )
        return Q(**{f"{lookup}__startswith": prefix})

    def scoped(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """`queryset` cut down to what the request's user may see; the pickers of other admins use it too."""
        prefix = jurisdiction_of(request)
        if prefix is None:
            return queryset.none()
        if prefix == "":
            return queryset
        q = self.scope_q(prefix)
        return queryset.none() if q is None else queryset.filter(q)

    def row_region_code(self, obj: Model) -> str:
        """The region code of a row ("" when it has none: a national row)."""
        if self.scope_field is None:
            return ""
        value: Any = obj
        for part in self.scope_field.split("__"):
            value = getattr(value, part, None)  # an unset foreign key raises a subclass of AttributeError
            if value is None:
                return ""
        return str(value)

    def is_national_row(self, obj: Model) -> bool:
        """Whether only a national admin may change the row."""
        return not self.row_region_code(obj)

    def may_see_row(self, request: HttpRequest, obj: Model) -> bool:
        prefix = jurisdiction_of(request)
        if prefix is None:
            return False
        code = self.row_region_code(obj)
        return prefix == "" or (bool(code) and code.startswith(prefix))

    def may_edit_row(self, request: HttpRequest, obj: Model) -> bool:
        prefix = jurisdiction_of(request)
        if prefix == "":
            return True
        return self.may_see_row(request, obj) and not self.is_national_row(obj)

    def scope_error_field(self, obj: Model) -> str:
        """The form field blamed when `obj` would fall outside the jurisdiction."""
        field = self.scope_form_field or (self.scope_field or "").split("__")[0]
        return field.removesuffix("_id")

    def out_of_scope_message(self, request: HttpRequest, obj: Model) -> str:
        if self.is_national_row(obj):
            return NATIONAL_ROW_MESSAGE
        region = getattr(request.user, "region", None)
        return OUT_OF_SCOPE_MESSAGE.format(region=getattr(region, "name", "") or "无")

    # Django admin hooks ------------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Change, history and delete pages fetch their object through this, so another region's row is
        # "not found" exactly like a missing one (no hint that it exists).
        return self.scoped(request, super().get_queryset(request))

    def get_field_queryset(self, db: str | None, db_field: Any, request: HttpRequest) -> QuerySet | None:
        """Foreign-key and many-to-many choices (select, autocomplete and raw-id inputs alike) limited to the
        related admin's scope, so a choice from another region fails validation."""
        queryset = super().get_field_queryset(db, db_field, request)
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, ScopedAdmin):
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.using(db).all()
            queryset = related_admin.scoped(request, queryset)
        return queryset

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and (obj is None or self.may_see_row(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or self.may_edit_row(request, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or self.may_edit_row(request, obj)
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        """The admin form, refusing to save a row outside the jurisdiction (a new row included) with a field
        error rather than a 403, so the admin sees why."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ScopedForm(form_class):  # type: ignore[valid-type,misc]
            def _post_clean(self) -> None:
                super()._post_clean()
                if model_admin.may_edit_row(request, self.instance):
                    return
                field: str | None = model_admin.scope_error_field(self.instance)
                if field not in self.fields:
                    field = None
                if field is not None and self.has_error(field):
                    return  # the picker already refused the out-of-scope choice
                self.add_error(field, model_admin.out_of_scope_message(request, self.instance))

        ScopedForm.__name__ = form_class.__name__
        return ScopedForm

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        """Bulk deletes check every chosen row (Django checks only the model permission there)."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self.may_edit_row(request, obj) for obj in objs):
            perms_needed = {*perms_needed, OUT_OF_SCOPE_PERMISSION.format(name=self.opts.verbose_name)}
        return to_delete, model_count, perms_needed, protected

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # Defence in depth behind get_deleted_objects: never delete a row the user may not change.
        if any(not self.may_edit_row(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    # Audit -------------------------------------------------------------------------------------------------

    def _audit(self, action: AuditAction, request: HttpRequest, obj: Model, message: str) -> None:
        audit_record(
            action,
            request=request,
            obj=obj,
            region_code=self.row_region_code(obj),
            detail={"message": message, "admin": f"{obj._meta.app_label}.{obj._meta.model_name}"},
        )

    @staticmethod
    def _message_text(entry: Any, fallback: Any) -> str:
        get_message = getattr(entry, "get_change_message", None)
        return str(get_message() if get_message else fallback)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._audit(AuditAction.ADMIN_ADD, request, obj, self._message_text(entry, message) or "已添加")
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        text = self._message_text(entry, message) or "没有字段被修改"
        self._audit(AuditAction.ADMIN_CHANGE, request, obj, text)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:  # called before the delete, so each row still has its values
            self._audit(AuditAction.ADMIN_DELETE, request, obj, "已删除")
        return entries


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Scoped, and never changed through the admin (no add, change or delete, even for a superuser)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
