from django.apps import AppConfig
from django.db.models.signals import post_save


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges and review"

    def ready(self) -> None:
        # What the public pages show changed: their ETags and cached counts must follow.
        from pledges.explorer import public_data_changed
        from pledges.models import Corroboration, Pledge, PledgeInReview, ProgressUpdate, Report

        # The review queue's proxy saves as itself: its saves are signalled under its name.
        for model in (Pledge, PledgeInReview, ProgressUpdate, Corroboration, Report):
            post_save.connect(public_data_changed, sender=model, dispatch_uid=f"public-{model}")
