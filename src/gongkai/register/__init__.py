"""The register of applications: working-day calendar, statutory deadlines and fees (依申请公开登记)."""
