from django.urls import path

from anbili.portal import (
    views,
    views_account,
    views_calculator,
    views_evidence,
    views_notices,
    views_placements,
    views_unit,
)

app_name = "portal"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("register/", views.register_view, name="register"),
    path("logout/", views.logout_view, name="logout"),
    path("special-notice/", views.special_notice_confirm_view, name="special_notice_confirm"),
    path("unit/switch/", views.unit_switch_view, name="unit_switch"),
    path("account/agents/", views.agents_view, name="agents"),
    path("account/agents/<int:pk>/", views.agent_edit_view, name="agent_edit"),
    path("account/password/", views.password_view, name="password"),
    path("account/units/", views_account.user_center_view, name="user_center"),
    path("account/units/default/", views_account.unit_default_view, name="unit_default"),
    path("unit/info/", views_unit.unit_info_view, name="unit_info"),
    path("unit/info/confirm/", views_unit.unit_info_confirm_view, name="unit_info_confirm"),
    path("unit/info/related/add/", views_unit.related_unit_add_view, name="related_unit_add"),
    path("unit/info/related/<int:pk>/edit/", views_unit.related_unit_edit_view, name="related_unit_edit"),
    path(
        "unit/info/related/<int:pk>/delete/", views_unit.related_unit_delete_view, name="related_unit_delete"
    ),
    path("calculator/", views_calculator.portal_calculator_view, name="calculator"),
    path("notices/", views_notices.notice_list_view, name="notices"),
    path("notices/<int:pk>/", views_notices.notice_detail_view, name="notice_detail"),
    path("evidence/<int:pk>/download/", views_evidence.evidence_download_view, name="evidence_download"),
    path("placements/", views_placements.placement_list_view, name="placements"),
    path("placements/add/", views_placements.placement_add_view, name="placement_add"),
    path(
        "placements/import-last-year/",
        views_placements.placements_import_last_year_view,
        name="placements_import_last_year",
    ),
    path("placements/bulk/", views_placements.placements_bulk_view, name="placements_bulk"),
    path("placements/<int:pk>/", views_placements.placement_view_view, name="placement_view"),
    path("placements/<int:pk>/full/", views_placements.placement_view_full_view, name="placement_view_full"),
    path("placements/<int:pk>/person/", views_placements.placement_person_view, name="placement_person"),
    path(
        "placements/<int:pk>/contracts/",
        views_placements.placement_contracts_view,
        name="placement_contracts",
    ),
    path(
        "placements/<int:pk>/certificates/",
        views_placements.placement_certificates_view,
        name="placement_certificates",
    ),
    path("placements/<int:pk>/verify/", views_placements.placement_verify_view, name="placement_verify"),
    path(
        "placements/<int:pk>/reverify/", views_placements.placement_reverify_view, name="placement_reverify"
    ),
    path(
        "placements/<int:pk>/reregister/",
        views_placements.placement_reregister_view,
        name="placement_reregister",
    ),
    path("placements/<int:pk>/delete/", views_placements.placement_delete_view, name="placement_delete"),
]
