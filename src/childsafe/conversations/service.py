"""Use cases: score a conversation, continue a streamed one (keeping only derived state), apply the policy
(safety message with the country's helplines, alerts, a case in the reports feature), and expire old state."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from childsafe.accounts.service import Principal
from childsafe.conversations import policy
from childsafe.conversations.engine import ConversationResult, Engine, choose_layers
from childsafe.conversations.lexicon import LexiconError
from childsafe.conversations.models import ConversationState
from childsafe.core import audit
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import InvalidInputError, NotFoundError
from childsafe.core.settings import Settings
from childsafe.helplines import service as helplines
from childsafe.helplines.routing import HelpQuery
from childsafe.reports import service as reports

MAX_MESSAGES = 500
MAX_TEXT = 4000
MAX_CONVERSATION_ID = 200


@lru_cache(maxsize=4)
def _engine(lexicon_dir: str, model_dir: str, layers: tuple[str, ...]) -> Engine:
    return Engine(lexicon_dir=lexicon_dir or None, model_dir=model_dir or None, layers=layers)


def engine_for(settings: Settings, *, layers: str | None = None, semantic: bool | None = None) -> Engine:
    """The process-wide engine for these settings (lexicons and models load once); `layers` and `semantic`
    override the settings (the command line's --layers and --semantic)."""
    chosen = choose_layers(layers, settings.conversations_layers,
                           settings.conversations_semantic if semantic is None else semantic)
    return _engine(settings.conversations_lexicon_dir, settings.conversations_model_dir, chosen)


@lru_cache(maxsize=4)
def rules_for(path: str) -> list[policy.Rule]:
    return policy.load(path or None)


@dataclass
class Outcome:
    result: ConversationResult
    decisions: list[policy.Decision]
    helplines: list[dict[str, Any]] = field(default_factory=list)
    case_reference: str | None = None
    conversation_messages: int = 0


def validate_messages(raw: Any, *, max_messages: int | None = MAX_MESSAGES,
                      cut: list[int] | None = None) -> list[dict[str, Any]]:
    """Messages from outside: a list of {"text": str, "author": str?, "time": str?}, at most `max_messages` (None:
    any number, for files read offline). A text over MAX_TEXT characters is refused, or, given a `cut` list, scored
    on its first MAX_TEXT characters with its index added to `cut` (so that the caller can say so)."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInputError("messages must be a non-empty list", field="messages")
    if max_messages is not None and len(raw) > max_messages:
        raise InvalidInputError(f"at most {max_messages} messages per call", field="messages")
    out = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InvalidInputError(f"message {n} needs a 'text' string", field=f"messages[{n}].text")
        if len(item["text"]) > MAX_TEXT:
            if cut is None:
                raise InvalidInputError(f"message {n} is longer than {MAX_TEXT} characters",
                                        field=f"messages[{n}].text")
            item = {**item, "text": item["text"][:MAX_TEXT]}
            cut.append(n)
        author = item.get("author")
        if author is not None and (not isinstance(author, str | int) or len(str(author)) > 200):
            raise InvalidInputError(f"message {n}: author is a string of at most 200 characters",
                                    field=f"messages[{n}].author")
        out.append({"text": item["text"], "author": None if author is None else str(author)})
    return out


def _language(language: str | None, engine: Engine) -> str | None:
    if language in (None, "", "auto"):
        return None
    if language not in engine.languages:
        raise InvalidInputError(f"language must be one of {', '.join(engine.languages)} (or auto)", field="language")
    return language


def _country(country: str | None) -> str | None:
    if not country:
        return None
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInputError("country is a two-letter ISO code", field="country")
    return country


def _help(session: Session, decisions: list[policy.Decision], country: str | None, language: str,
          clock: Clock) -> list[dict[str, Any]]:
    safety = next((d for d in decisions if d.action == "safety_message"), None)
    if safety is None or country is None:
        return []
    found = helplines.find_help(session, HelpQuery(country=country, lang=language,
                                                   topic=policy.HELP_TOPIC[safety.label]), clock)
    return [{"name": ranked.record.name, "open_now": ranked.open_now,
             "contacts": [{"channel": c.contact.channel, "value": c.contact.value, "href": c.href}
                          for c in ranked.contacts]} for ranked in found.helplines[:3]]


def _open_case(session: Session, settings: Settings, result: ConversationResult, reference: str,
               country: str | None, clock: Clock) -> Any:
    """A case for analysts: the scores and signals, never the messages (the platform holds those)."""
    signals = sorted({e["signal"] for label in ("grooming", "sexual") for e in result.explanations[label]})
    description = (f"Conversation flagged by automatic scoring: grooming {result.labels['grooming']:.2f}, "
                   f"sexual {result.labels['sexual']:.2f}; signals: {', '.join(signals)}. "
                   f"The messages are not kept here: ask the reporting platform for conversation {reference}.")
    report = reports.submit(session, data_dir=Path(settings.data_dir), description=description[:2000],
                            where_seen="conversation scoring", country=country or "", language=result.language,
                            clock=clock)
    return report


def _reference(secret: str, principal: Principal, conversation_id: str) -> str:
    message = f"{principal.user_id}:{conversation_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def score(session: Session, settings: Settings, *, messages: Any, language: str | None = None,
          country: str | None = None, principal: Principal, secret: str, clock: Clock | None = None) -> Outcome:
    """Score one whole conversation; nothing about it is stored unless the policy opens a case."""
    clock = clock or SystemClock()
    engine = engine_for(settings)
    checked, lang, country = validate_messages(messages), _language(language, engine), _country(country)
    try:
        result = engine.score(checked, language=lang)
    except LexiconError as exc:
        raise InvalidInputError(str(exc), field="language") from None
    decisions = policy.decide(result.labels, rules_for(settings.conversations_policy))
    outcome = Outcome(result, decisions, _help(session, decisions, country, result.language, clock),
                      conversation_messages=len(checked))
    if any(d.action == "open_case" for d in decisions):
        reference = _reference(secret, principal, f"once:{clock.now().isoformat()}")[:16]
        outcome.case_reference = _open_case(session, settings, result, reference, country, clock).reference
        audit.record(session, principal.actor, "conversations.case", "report", outcome.case_reference,
                     {"labels": result.labels}, clock)
    return outcome


def continue_conversation(session: Session, settings: Settings, *, conversation_id: str, messages: Any,
                          language: str | None = None, country: str | None = None, principal: Principal,
                          secret: str, clock: Clock | None = None) -> Outcome:
    """Add messages to a conversation scored before; only its derived state is kept, under a keyed hash."""
    clock = clock or SystemClock()
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= MAX_CONVERSATION_ID:
        raise InvalidInputError(f"a conversation id has 1 to {MAX_CONVERSATION_ID} characters",
                                field="conversation_id")
    engine = engine_for(settings)
    checked, lang, country = validate_messages(messages), _language(language, engine), _country(country)
    digest = _reference(secret, principal, conversation_id)
    row = session.scalar(select(ConversationState).where(ConversationState.key_digest == digest))
    now = clock.now()
    state = dict(row.state) if row else None
    language_used = lang or (row.language if row else None)

    def pseudonym(author: str) -> str:
        return hmac.new(digest.encode(), author.encode(), hashlib.sha256).hexdigest()[:12]

    try:
        result = engine.score(checked, language=language_used, state=state, author_key=pseudonym)
    except LexiconError as exc:
        raise InvalidInputError(str(exc), field="language") from None
    expires = now + timedelta(days=settings.conversation_state_days)
    if row is None:
        row = ConversationState(key_digest=digest, language=result.language, state=result.state, created_at=now,
                                updated_at=now, expires_at=expires)
        session.add(row)
    else:
        row.state, row.updated_at, row.expires_at = result.state, now, expires
    decisions = policy.decide(result.labels, rules_for(settings.conversations_policy))
    outcome = Outcome(result, decisions, _help(session, decisions, country, result.language, clock),
                      conversation_messages=result.state["messages"])
    if any(d.action == "open_case" for d in decisions) and row.case_id is None:
        report = _open_case(session, settings, result, digest[:16], country, clock)
        outcome.case_reference, row.case_id = report.reference, report.id
        audit.record(session, principal.actor, "conversations.case", "report", outcome.case_reference,
                     {"labels": result.labels}, clock)
    session.flush()
    return outcome


def forget_conversation(session: Session, *, conversation_id: str, principal: Principal, secret: str) -> None:
    digest = _reference(secret, principal, conversation_id)
    deleted = session.execute(delete(ConversationState).where(ConversationState.key_digest == digest)).rowcount
    if not deleted:
        raise NotFoundError("no such conversation", field="conversation_id")


def expire_states(session: Session, now: datetime) -> int:
    return session.execute(delete(ConversationState).where(ConversationState.expires_at <= now)).rowcount or 0
