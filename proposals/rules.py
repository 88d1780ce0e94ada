"""The numbers the district sets (settings with defaults) and the rates it publishes, defined once.

Thresholds: a proposal moves to screening at
max(PROPOSALS_MIN_SUPPORT, ceil(PROPOSALS_SUPPORT_SHARE × population)), the
population being its association's (the district's sum for a district-wide
cycle). With no population known, the minimum applies. The README says why
the defaults are 20 and 0.1%.
"""

import math

from django.conf import settings
from django.db.models import Sum

from proposals.models import Cycle, Stage


def min_support() -> int:
    return int(getattr(settings, "PROPOSALS_MIN_SUPPORT", 20))


def support_share() -> float:
    return float(getattr(settings, "PROPOSALS_SUPPORT_SHARE", 0.001))


def target_rate() -> float:
    return float(getattr(settings, "PROPOSALS_TARGET_RATE", 0.30))


def threshold_for_population(population: int | None) -> int:
    if not population:
        return min_support()
    return max(min_support(), math.ceil(support_share() * population))


def cycle_population(cycle: Cycle) -> int | None:
    if cycle.dong_id:
        return getattr(cycle.dong, "population", None)
    from dong.models import DongPage

    return DongPage.objects.aggregate(total=Sum("population"))["total"]


def support_threshold(cycle: Cycle) -> int:
    """How many supports move a proposal of `cycle` to screening (cached on the cycle object)."""
    if not hasattr(cycle, "_threshold"):
        cycle._threshold = threshold_for_population(cycle_population(cycle))
    return cycle._threshold


# The district's reflection rates: each is a stage's count over the number submitted.
RATES = (
    ("selected", Stage.SELECTED),
    ("implemented", Stage.IMPLEMENTED),
)


def rate(counts: dict[str, int], stage: str) -> float | None:
    """`stage` ÷ submitted (None when nothing was submitted)."""
    submitted = counts.get(Stage.SUBMITTED, 0)
    if not submitted:
        return None
    return counts.get(stage, 0) / submitted
