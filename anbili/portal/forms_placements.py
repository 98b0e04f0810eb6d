"""The forms of 残疾人安置管理 live in `anbili.web.forms_placements`, shared by the portal and the staff
window (窗口申报); this name stays for existing imports."""

from anbili.web.forms_placements import (
    BulkImportForm,
    CertificateForm,
    ContractForm,
    PlacementAddForm,
    PlacementPersonForm,
    PlacementSearchForm,
)

__all__ = [
    "BulkImportForm",
    "CertificateForm",
    "ContractForm",
    "PlacementAddForm",
    "PlacementPersonForm",
    "PlacementSearchForm",
]
