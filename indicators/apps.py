from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "GCM results framework"

    def ready(self) -> None:
        # The indicator data changed: the public ETags must follow.
        from django.db.models.signals import post_delete, post_save

        from indicators.models import AreaReporting, IndicatorSet, Observation
        from indicators.selectors import data_changed

        for model in (Observation, AreaReporting, IndicatorSet):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"data-{model.__name__}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"gone-{model.__name__}")
