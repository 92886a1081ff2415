"""Pydantic models for the conversations API (what OpenAPI shows); the service validates again for the CLI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MessageIn(BaseModel):
    text: str = Field(max_length=4000, description="The message text; it is scored in memory and never stored")
    author: str | None = Field(default=None, max_length=200, description="Who wrote it, as the platform names them")
    time: str | None = Field(default=None, max_length=40, description="When (ISO 8601); optional, not used yet")


class ScoreIn(BaseModel):
    messages: list[MessageIn] = Field(min_length=1, max_length=500)
    language: str | None = Field(default=None, description="en, fr, es, de, ... or omitted/auto to detect")
    country: str | None = Field(default=None, description="ISO country of the child, for the helplines to show")


class Evidence(BaseModel):
    message: int
    author: str | None
    signal: str
    source: str = Field(description="lexicon, detector, classifier or semantic")
    confidence: float
    match: str | None = Field(default=None, description="the normalised words that matched (lexicon hits)")


class Action(BaseModel):
    action: str = Field(description="log, safety_message, alert_moderator, alert_guardian or open_case")
    label: str
    score: float


class ScoreOut(BaseModel):
    risk: float = Field(description="the highest label score, 0 to 1")
    labels: dict[str, float]
    language: str
    messages: int = Field(description="messages scored in this conversation so far")
    evidence: list[Evidence]
    explanations: dict[str, list[dict[str, Any]]] = Field(description="per label: signals, authors, contributions")
    message_scores: list[dict[str, float]] = Field(description="each message's own scores, in order")
    actions: list[Action]
    safety_message: str | None = Field(default=None, description="for the child, in the requested language")
    helplines: list[dict[str, Any]] = Field(default_factory=list)
    case: str | None = Field(default=None, description="reference of the case opened in the reports feature")
