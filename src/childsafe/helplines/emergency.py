"""Emergency numbers per country, read from libphonenumber's short-number metadata (Apache-2.0)."""

from __future__ import annotations

from functools import lru_cache

from phonenumbers import shortnumberinfo

# When a country has several general emergency numbers, the one people are taught first.
_PREFERRED = ("911", "999", "000", "112", "111")
_CANDIDATES = tuple(f"{n:02d}" for n in range(100)) + tuple(f"{n:03d}" for n in range(1000))


@lru_cache(maxsize=512)
def emergency_numbers(country: str) -> tuple[str, ...]:
    """All short emergency numbers libphonenumber knows for the country, the usual general one first."""
    found = [c for c in _CANDIDATES if shortnumberinfo.is_emergency_number(c, country)]
    if not found:
        return ()
    preferred = [p for p in _PREFERRED if p in found]
    first = preferred[0] if preferred else found[0]
    return (first, *[n for n in found if n != first])


def primary_emergency_number(country: str) -> str | None:
    numbers = emergency_numbers(country)
    return numbers[0] if numbers else None
