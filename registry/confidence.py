"""How sure a shipped figure or rule is: FACTS.md's confidence tags, worded once for every feature.

Zone figures carry H, M or L; incentive rules also the ranges between (M-H, L-M). A page shows the
short word next to a figure and the description where the reader chooses or weighs a rule.
"""

import enum

from flask_babel import lazy_gettext as _l


class Confidence(enum.StrEnum):
    """FACTS.md's tags: two sources agree (H), one reputable source (M), unverified (L), and the ranges between."""

    H = "H"
    MH = "M-H"
    M = "M"
    LM = "L-M"
    L = "L"


LABELS = {
    Confidence.H: _l("High"),
    Confidence.MH: _l("Medium to high"),
    Confidence.M: _l("Medium"),
    Confidence.LM: _l("Low to medium"),
    Confidence.L: _l("Low, unverified"),
}
DESCRIPTIONS = {
    Confidence.H: _l("High: the primary text, or two sources that agree"),
    Confidence.MH: LABELS[Confidence.MH],
    Confidence.M: _l("Medium: one reputable secondary source"),
    Confidence.LM: LABELS[Confidence.LM],
    Confidence.L: _l("Low: unverified; check before relying on it"),
}


def label(tag: str | None):
    """The short word for a tag ("H" or Confidence.H alike), or None for a tag that is missing or unknown."""
    return LABELS.get(tag) if tag else None


def is_unverified(tag: str | None) -> bool:
    return tag == Confidence.L
