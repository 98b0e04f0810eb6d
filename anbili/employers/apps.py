from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "anbili.employers"
    verbose_name = "用人单位"
