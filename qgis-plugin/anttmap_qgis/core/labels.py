"""Value maps of the unit form: keys as the store spells them, labels translated (Vietnamese in the .qm)."""
from .i18n import tr

STATUSES = ["not_registered", "registered", "proposed", "recognised", "not_recognised", "revoked"]
NEEDS_DECISION = {"recognised", "revoked"}


def status_label(key):
    return {
        "not_registered": tr("Not registered"),
        "registered": tr("Registered"),
        "proposed": tr("Proposed for recognition"),
        "recognised": tr("Recognised safe for security and order"),
        "not_recognised": tr("Not recognised"),
        "revoked": tr("Recognition revoked"),
        "no_data": tr("No data"),
    }.get(key, key)


POLICE_RATINGS = ["", "tien_tien", "kha", "trung_binh", "yeu"]


def police_rating_label(key):
    return {
        "": tr("(not given)"),
        "tien_tien": tr("Advanced unit"),
        "kha": tr("Good"),
        "trung_binh": tr("Average"),
        "yeu": tr("Weak"),
    }.get(key, key)


def kind_label(key):
    return {
        "province": tr("Province"), "district": tr("District"), "commune": tr("Commune"),
        "village": tr("Residential area"), "agency": tr("Agency"), "enterprise": tr("Enterprise"),
        "school": tr("School"),
    }.get(key, key)
