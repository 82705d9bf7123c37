from django.contrib import admin

from surveys.models import Survey, SurveyRules


@admin.register(SurveyRules)
class SurveyRulesAdmin(admin.ModelAdmin):
    list_display = ("__str__", "area_pct", "corner_shift_m", "hausdorff_m", "overlap_m2", "refuse_beyond_m",
                    "validity_days")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("case", "number", "parcel", "within_tolerance", "source_srid", "created_at")
    list_filter = ("within_tolerance",)
    readonly_fields = [f.name for f in Survey._meta.fields if f.name != "geom"]
    raw_id_fields = ("case", "parcel", "document")

    def has_add_permission(self, request):
        return False
