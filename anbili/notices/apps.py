from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "anbili.notices"
    verbose_name = "通知公告"
