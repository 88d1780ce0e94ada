"""Association writes, by sub-domain: `seeding` (the district from its data
file: home page, associations, renames, groups and permissions) and
`publishing` (direct publishing or review by District staff).
"""

from dong.services.publishing import REVIEW_WORKFLOW_NAME, review_mode_set
from dong.services.seeding import (
    DistrictSeedError,
    Progress,
    SeedReport,
    district_seed,
    home_ensure,
    redirect_ensure,
)

__all__ = [
    "REVIEW_WORKFLOW_NAME",
    "DistrictSeedError",
    "Progress",
    "SeedReport",
    "district_seed",
    "home_ensure",
    "redirect_ensure",
    "review_mode_set",
]
