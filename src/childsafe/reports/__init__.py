"""Reporting and case handling: public reports (children and adults), intake checks, the analysts' queue."""
