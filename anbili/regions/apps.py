from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "anbili.regions"
    verbose_name = "行政区划与政策参数"
