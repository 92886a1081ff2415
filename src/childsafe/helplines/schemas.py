"""API shapes for the helpline finder and the dataset."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from childsafe.helplines.vocabulary import CHANNELS, TOPICS

Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Topic = Literal[TOPICS]  # type: ignore[valid-type]


class ContactOut(BaseModel):
    channel: str
    value: str = Field(description="As dialled or typed locally")
    e164: str | None = Field(description="International form, when the number has one (short codes do not)")
    href: str
    hours: str | None
    open_now: bool | None
    note: str


class SourceOut(BaseModel):
    url: str
    title: str


class HelplineOut(BaseModel):
    id: str
    name: str
    organisation: str
    country: str
    languages: list[str]
    topics: list[str]
    audience: list[str]
    age_max: int | None
    free: bool | None
    anonymous: bool | None
    child_116111: bool
    timezone: str
    hours: str | None
    open_now: bool | None = Field(description="true/false from the opening hours; null when hours are unknown")
    next_change: datetime | None = Field(description="When it next opens (if closed) or closes (if open)")
    matches: dict[str, bool]
    contacts: list[ContactOut]
    notes: str
    sources: list[SourceOut]
    verified: date


class CountryOut(BaseModel):
    code: str
    name: str
    emergency: list[str] = Field(description="Emergency numbers, the general one first (libphonenumber data)")
    child_116111: bool


class HelpResponse(BaseModel):
    country: CountryOut | None
    lang: str
    topic: str | None
    channel: str | None
    helplines: list[HelplineOut]


class CountrySummaryOut(BaseModel):
    code: str
    name: str
    helplines: int
    child_116111: bool
    channels: list[str]


class CountriesResponse(BaseModel):
    countries: list[CountrySummaryOut]
