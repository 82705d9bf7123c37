"""The national complaint categories (reference data; a data migration loads them, the admin edits them)."""

CATEGORIES = [
    # code, Arabic, English, kind, handling role, inspection request kind, duplicate radius (m), days, order
    ("pothole", "حفرة أو هبوط في الطريق", "Pothole or road damage", "complaint", "complaints_handler", "", 40, 5, 10),
    ("lighting", "إنارة شارع معطلة", "Street light out", "complaint", "complaints_handler", "", 30, 3, 20),
    ("waste", "نفايات ونظافة", "Waste and cleanliness", "complaint", "complaints_handler", "", 50, 2, 30),
    ("building_violation", "مخالفة بناء", "Building violation", "complaint", "building_inspector",
     "building_inspection", 25, 10, 40),
    ("shop_hygiene", "نظافة محل أو مطعم", "Shop or restaurant hygiene", "complaint", "health_inspector",
     "inspection_visit", 20, 3, 50),
    ("stray_animals", "حيوانات سائبة", "Stray animals", "complaint", "complaints_handler", "", 100, 5, 60),
    ("suggestion", "مقترح لتحسين الخدمات", "A suggestion", "suggestion", "complaints_handler", "", 0, 14, 90),
]


def categories_sync(category_model=None) -> int:
    if category_model is None:
        from complaints.models import Category as category_model
    for code, ar, en, kind, role, visit, radius, days, order in CATEGORIES:
        category_model.objects.update_or_create(code=code, defaults={
            "name_ar": ar, "name_en": en, "kind": kind, "handler_role": role, "visit_kind": visit,
            "duplicate_radius_m": radius, "sla_days": days, "order": order})
    return len(CATEGORIES)
