from tests.households.conftest import household_a, household_b, officer_a, viewer_district, village_a  # noqa: F401
