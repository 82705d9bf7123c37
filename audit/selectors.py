from django.db.models import Model, QuerySet

from audit.models import ChangeRecord


def history_for(*, instance: Model) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(entity=instance._meta.label_lower, object_id=instance.pk).select_related(
        "actor"
    )
