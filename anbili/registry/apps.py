from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anbili.registry"
    verbose_name = "联网数据（残疾人库、社保、医保、工资、劳务派遣备案、市场主体）"
