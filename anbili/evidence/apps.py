from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "anbili.evidence"
    verbose_name = "附件与影像资料"
