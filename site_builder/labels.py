"""The interface's words for the content's codes (kinds, statuses, holder types, weekdays), for pages and open data.

Each is an English message of the catalogues: pages show it in their language, the open data in Persian.
"""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Mark a message for `pybabel extract`; it is translated where it is shown."""
    return message


KIND = {"urban": N_("urban"), "rural": N_("rural"), "police10": N_("Police +10"), "kargozari": N_("agency office")}
KIND_PLURAL = {
    "urban": N_("Urban offices"),
    "rural": N_("Rural offices"),
    "police10": N_("Police +10 offices"),
    "kargozari": N_("Agency offices"),
}
STATUS = {
    "active": N_("active"),
    "inactive": N_("inactive"),
    "under_review": N_("under review"),
    "revoked": N_("revoked"),
    "pending": N_("awaiting its license"),
}
HOLDER = {"person": N_("natural person"), "company": N_("legal entity")}
LICENSE_STATE = {
    "valid": N_("valid"),
    "expiring": N_("expiring soon"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "unlicensed": N_("no license"),
}
DAY = {
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
}
ALL = {
    "KIND": KIND,
    "KIND_PLURAL": KIND_PLURAL,
    "STATUS": STATUS,
    "HOLDER": HOLDER,
    "LICENSE_STATE": LICENSE_STATE,
    "DAY": DAY,
}


def translated(gettext: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """Return every list of words above in one language."""
    return {name: {code: gettext(message) for code, message in words.items()} for name, words in ALL.items()}
