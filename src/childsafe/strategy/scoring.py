"""Scores, gaps and a prioritised roadmap from a self-assessment's answers; pure, no database."""

from __future__ import annotations

from dataclasses import dataclass

from childsafe.strategy.framework import LEVELS, Capability, Framework

TARGET = 3  # "established": in place across the country; level 4 adds sustained funding and evaluation
PHASES = ("foundations", "scale_up", "sustain")  # roadmap phases: 0-12 months, 12-24 months, 24-36 months


@dataclass(frozen=True)
class AreaScore:
    area: str
    score: float | None  # 0-100, None when nothing is answered yet
    answered: int
    total: int


@dataclass(frozen=True)
class Action:
    capability: Capability
    level: int
    gap: int
    priority: float
    phase: str


def area_scores(framework: Framework, levels: dict[str, int | None]) -> list[AreaScore]:
    scores = []
    for area in framework.areas:
        given = [levels[c.id] for c in area.capabilities if levels.get(c.id) is not None]
        score = round(100 * sum(given) / (len(given) * (LEVELS - 1)), 1) if given else None
        scores.append(AreaScore(area.id, score, len(given), len(area.capabilities)))
    return scores


def overall(scores: list[AreaScore]) -> float | None:
    given = [s.score for s in scores if s.score is not None]
    return round(sum(given) / len(given), 1) if given else None


def roadmap(framework: Framework, levels: dict[str, int | None]) -> list[Action]:
    """Every capability below the target, most urgent first: a bigger gap in a more foundational area comes
    earlier; capabilities not yet answered are treated as absent (unknown is a gap in itself)."""
    actions = []
    for area in framework.areas:
        for capability in area.capabilities:
            level = levels.get(capability.id)
            level = 0 if level is None else level
            gap = TARGET - level
            if gap <= 0:
                continue
            phase = PHASES[0] if level <= 1 else PHASES[1]
            actions.append(Action(capability, level, gap, gap * area.weight, phase))
    for area in framework.areas:  # what is established still needs funding and evaluation to last
        for capability in area.capabilities:
            if levels.get(capability.id) == TARGET:
                actions.append(Action(capability, TARGET, 0, 0.5 * area.weight, PHASES[2]))
    order = {phase: i for i, phase in enumerate(PHASES)}
    return sorted(actions, key=lambda a: (order[a.phase], -a.priority, a.capability.id))
