from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "anbili.placements"
    verbose_name = "残疾人安置管理"
