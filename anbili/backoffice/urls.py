from django.urls import path

from anbili.backoffice import (
    views,
    views_audit,
    views_evidence,
    views_help,
    views_notices,
    views_placements,
    views_queue,
    views_review,
    views_stats,
    views_window,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("system/", views.system_view, name="system"),
    path("system/staff/", views.staff_list_view, name="staff"),
    path("system/audit/", views_audit.audit_list_view, name="audit"),
    path("notices/", views_notices.notice_list_view, name="notices"),
    path("notices/<int:pk>/", views_notices.notice_detail_view, name="notice_detail"),
    path("notices/<int:pk>/publish/", views_notices.notice_publish_toggle_view, name="notice_publish_toggle"),
    path("evidence/<int:pk>/download/", views_evidence.evidence_download_view, name="evidence_download"),
    # staff 残疾人安置管理, export, window registration (窗口申报: views_window)
    path("placements/", views_placements.placement_search_view, name="placements"),
    path("placements/export/", views_placements.placements_export_view, name="placements_export"),
    path("placements/window/", views_window.window_search_view, name="window"),
    path("placements/window/<int:pk>/", views_window.window_employer_view, name="window_employer"),
    path(
        "placements/window/<int:pk>/add/", views_window.window_placement_add_view, name="window_placement_add"
    ),
    path(
        "placements/window/placement/<int:pk>/person/",
        views_window.window_placement_person_view,
        name="window_placement_person",
    ),
    path(
        "placements/window/placement/<int:pk>/contracts/",
        views_window.window_placement_contracts_view,
        name="window_placement_contracts",
    ),
    path(
        "placements/window/placement/<int:pk>/certificates/",
        views_window.window_placement_certificates_view,
        name="window_placement_certificates",
    ),
    path(
        "placements/window/placement/<int:pk>/verify/",
        views_window.window_placement_verify_view,
        name="window_placement_verify",
    ),
    path(
        "placements/window/placement/<int:pk>/reverify/",
        views_window.window_placement_reverify_view,
        name="window_placement_reverify",
    ),
    path("review/", views_queue.review_queue_view, name="placement_review"),
    # 安置登记审核 (review screen and its decisions, views_review)
    path("review/<int:pk>/", views_review.placement_review_detail_view, name="placement_review_detail"),
    path(
        "review/<int:pk>/send-back/",
        views_review.placement_review_send_back_view,
        name="placement_review_send_back",
    ),
    path(
        "review/<int:pk>/certificate/",
        views_review.placement_review_certificate_view,
        name="placement_review_certificate",
    ),
    path(
        "review/<int:pk>/agreement/",
        views_review.placement_review_agreement_view,
        name="placement_review_agreement",
    ),
    path("review/<int:pk>/full/", views_review.placement_review_full_view, name="placement_review_full"),
    path("evidence/<int:pk>/preview/", views_review.evidence_preview_view, name="evidence_preview"),
    path("statistics/", views_stats.statistics_view, name="statistics"),
    path("help/scanner/", views_help.scanner_help_view, name="scanner_help"),
]
