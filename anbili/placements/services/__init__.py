"""Writes about placements (安置登记), one module per job:

- workflow: the named transitions of a placement and of its months, the one transition service and the
  one event writer;
- guards: the window, the year-lock hook and the row locks every write takes first;
- registration (添加残疾人, 基本信息), contracts (合同管理), certificates (残疾证管理: add and remove a
  historical certificate),
- verify (人员信息校验 and batch re-verification), months (勾选安置月份 + 材料 + 保存),
- actions (删除, 重新登记), bulk (导入上一年申报名单, 批量登记),
- review (安置登记审核: the reviewer's decisions, docs/review.md).

Every public name is importable from here. See docs/placements.md.
"""

from anbili.core.errors import ApplicationError
from anbili.placements.bulk import bulk_template_xlsx
from anbili.placements.services.actions import placement_delete, placement_reregister
from anbili.placements.services.bulk import (
    CONTRACT_COPY_FIELDS,
    PERSON_COPY_FIELDS,
    placements_bulk_import,
    placements_import_last_year,
)
from anbili.placements.services.certificates import (
    placement_certificate_add,
    placement_certificate_remove,
    placement_certificates_done,
)
from anbili.placements.services.contracts import (
    placement_contract_add,
    placement_contract_check,
    placement_contract_delete,
    placement_contract_update,
)
from anbili.placements.services.guards import (
    STEP_ORDER,
    placement_year_lock_register,
    placement_year_lock_unregister,
    placement_year_locked,
)
from anbili.placements.services.months import EVIDENCE_PURPOSES, placement_is_dispatch, placement_months_save
from anbili.placements.services.registration import (
    placement_person_check,
    placement_person_update,
    placement_start,
)
from anbili.placements.services.review import (
    ReviewChanged,
    placement_agreement_decide,
    placement_certificate_decide,
    placement_review_decide,
    placement_send_back,
    review_token,
)
from anbili.placements.services.verify import placement_verify, placements_verify_batch
from anbili.placements.services.workflow import (
    MONTH_TRANSITIONS,
    PLACEMENT_TRANSITIONS,
    TRANSITIONS,
    Actor,
    Transition,
    at_window,
    month_outcomes_move,
    placement_transition,
)
from anbili.rules.contracts import PAYER_FIELDS

__all__ = [
    "CONTRACT_COPY_FIELDS",
    "EVIDENCE_PURPOSES",
    "MONTH_TRANSITIONS",
    "PAYER_FIELDS",
    "PERSON_COPY_FIELDS",
    "PLACEMENT_TRANSITIONS",
    "STEP_ORDER",
    "TRANSITIONS",
    "Actor",
    "ApplicationError",
    "ReviewChanged",
    "Transition",
    "at_window",
    "bulk_template_xlsx",
    "month_outcomes_move",
    "placement_agreement_decide",
    "placement_certificate_add",
    "placement_certificate_decide",
    "placement_certificate_remove",
    "placement_certificates_done",
    "placement_contract_add",
    "placement_contract_check",
    "placement_contract_delete",
    "placement_contract_update",
    "placement_delete",
    "placement_is_dispatch",
    "placement_months_save",
    "placement_person_check",
    "placement_person_update",
    "placement_reregister",
    "placement_review_decide",
    "placement_send_back",
    "placement_start",
    "placement_transition",
    "placement_verify",
    "placement_year_lock_register",
    "placement_year_lock_unregister",
    "placement_year_locked",
    "placements_bulk_import",
    "placements_import_last_year",
    "placements_verify_batch",
    "review_token",
]
