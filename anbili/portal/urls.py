from django.urls import path

from anbili.portal import views

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
]
