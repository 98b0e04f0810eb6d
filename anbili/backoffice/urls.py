from django.urls import path

from anbili.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("system/", views.system_view, name="system"),
    path("system/staff/", views.staff_list_view, name="staff"),
]
