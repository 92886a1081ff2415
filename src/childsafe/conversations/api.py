"""JSON routes: score a whole conversation, or continue one as a stream keyed by its id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.conversations import policy, service
from childsafe.conversations.schemas import ScoreIn, ScoreOut
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, require, strict_query
from childsafe.http.i18n import translations

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"], dependencies=[Depends(strict_query)])
Scorer = Annotated[Principal, require(Permission.CONVERSATIONS_SCORE)]
ConversationId = Annotated[str, Path(min_length=1, max_length=200)]


def _out(outcome: service.Outcome, ui_language: str) -> ScoreOut:
    result = outcome.result
    safety = next((d for d in outcome.decisions if d.action == "safety_message"), None)
    return ScoreOut(
        risk=result.risk, labels=result.labels, language=result.language, messages=outcome.conversation_messages,
        evidence=result.evidence(), explanations=result.explanations,
        message_scores=[m.scores for m in result.messages],
        actions=[{"action": d.action, "label": d.label, "score": d.score} for d in outcome.decisions],
        safety_message=translations(ui_language).gettext(policy.SAFETY_MESSAGES[safety.label]) if safety else None,
        helplines=outcome.helplines, case=outcome.case_reference)


def _ui_language(body: ScoreIn, lang: str | None) -> str:
    return lang or (body.language if body.language and body.language != "auto" else "en")


@router.post("/score", operation_id="conversations-score", response_model=ScoreOut,
             summary="Score a conversation: per label 0-1, the evidence behind each score, and the policy's actions")
def score(request: Request, body: ScoreIn, session: DbSession, principal: Scorer,
          lang: Annotated[str | None, Query(max_length=5, description="language of the safety message")] = None
          ) -> ScoreOut:
    ctx = app_context(request)
    outcome = service.score(session, ctx.settings, messages=[m.model_dump() for m in body.messages],
                            language=body.language, country=body.country, principal=principal,
                            secret=ctx.secret_key, clock=ctx.clock)
    return _out(outcome, _ui_language(body, lang))


@router.post("/{conversation_id}/messages", operation_id="conversations-continue", response_model=ScoreOut,
             summary="Add messages to a running conversation; only derived state is kept, never the texts")
def continue_conversation(request: Request, conversation_id: ConversationId, body: ScoreIn, session: DbSession,
                          principal: Scorer,
                          lang: Annotated[str | None, Query(max_length=5)] = None) -> ScoreOut:
    ctx = app_context(request)
    outcome = service.continue_conversation(
        session, ctx.settings, conversation_id=conversation_id, messages=[m.model_dump() for m in body.messages],
        language=body.language, country=body.country, principal=principal, secret=ctx.secret_key, clock=ctx.clock)
    return _out(outcome, _ui_language(body, lang))


@router.delete("/{conversation_id}", operation_id="conversations-forget", status_code=204,
               summary="Forget a running conversation's derived state now")
def forget(request: Request, conversation_id: ConversationId, session: DbSession, principal: Scorer) -> Response:
    service.forget_conversation(session, conversation_id=conversation_id, principal=principal,
                                secret=app_context(request).secret_key)
    return Response(status_code=204)
