from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anbili.audit"
    verbose_name = "审计日志"
