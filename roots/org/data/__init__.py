"""Reference data of the organisation: provinces, cities, branches (工贸公司), call centres.

Plain Python so that it is typed, linted and importable without a database; the demo data
generator (`roots.demo`) and anything else that needs the real geography read it here.
"""

from roots.org.data.branches import BRANCHES, BranchRef, CallCenterRef, call_centers
from roots.org.data.provinces import CITIES, PROVINCES, CityRef, ProvinceRef, province_by_code

__all__ = [
    "BRANCHES",
    "CITIES",
    "PROVINCES",
    "BranchRef",
    "CallCenterRef",
    "CityRef",
    "ProvinceRef",
    "call_centers",
    "province_by_code",
]
