"""Training courses as files (one TOML per course per language): lessons, illustrations, quizzes, and grading."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable

from childsafe.core.settings import LANGUAGES
from childsafe.learn.content import AUDIENCES, SOURCE_LANGUAGE, ContentError, check_body


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    choices: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    illustration: str
    illustration_alt: str
    body: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Course:
    id: str
    lang: str
    title: str
    summary: str
    audience: str
    reviewed: date
    revision: int
    pass_mark: float
    lessons: tuple[Lesson, ...]

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


@dataclass(frozen=True)
class Graded:
    right: int
    total: int
    passed: bool
    results: dict[str, bool]  # question id -> answered right (unanswered: False)

    @property
    def score(self) -> float:
        return self.right / self.total if self.total else 0.0


def grade(course: Course, lesson: Lesson, answers: dict[str, str]) -> Graded:
    """answers: question id -> the chosen index as sent by the form; anything else counts as wrong."""
    results = {}
    for question in lesson.questions:
        chosen = answers.get(question.id, "")
        results[question.id] = chosen.isdigit() and int(chosen) == question.answer
    right = sum(results.values())
    return Graded(right, len(lesson.questions), right >= course.pass_mark * len(lesson.questions) - 1e-9, results)


def _text(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: {key} is required")
    return value.strip()


def _question(raw: dict, where: str) -> Question:
    choices = raw.get("choices")
    answer = raw.get("answer")
    if not isinstance(choices, list) or not 2 <= len(choices) <= 4 or not all(isinstance(c, str) for c in choices):
        raise ContentError(f"{where}: 2 to 4 choices")
    if not isinstance(answer, int) or not 0 <= answer < len(choices):
        raise ContentError(f"{where}: answer is the index of a choice, from 0")
    return Question(_text(raw, "id", where), _text(raw, "text", where), tuple(c.strip() for c in choices), answer,
                    _text(raw, "explanation", where))


def parse_course(text: str, ident: str, lang: str) -> Course:
    where = f"course {lang}/{ident}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{where}: not valid TOML: {exc}") from None
    revision_key = "revision" if lang == SOURCE_LANGUAGE else "source_revision"
    if raw.get("audience") not in AUDIENCES or not isinstance(raw.get("reviewed"), date) or not isinstance(
            raw.get(revision_key), int):
        raise ContentError(f"{where}: audience, reviewed (a date) and {revision_key} are required")
    pass_mark = raw.get("pass_mark", 0.75)
    if not isinstance(pass_mark, int | float) or not 0 < pass_mark <= 1:
        raise ContentError(f"{where}: pass_mark is a share from 0 to 1")
    lessons = []
    for n, item in enumerate(raw.get("lessons") or []):
        at = f"{where} lesson {n + 1}"
        body = _text(item, "body", at)
        check_body(body, at)
        questions = tuple(_question(q, f"{at} question {i + 1}") for i, q in enumerate(item.get("questions") or []))
        if not 2 <= len(questions) <= 4:
            raise ContentError(f"{at}: 2 to 4 questions")
        lessons.append(Lesson(_text(item, "id", at), _text(item, "title", at), _text(item, "illustration", at),
                              _text(item, "illustration_alt", at), body, questions))
    if not lessons:
        raise ContentError(f"{where}: at least one lesson")
    return Course(ident, lang, _text(raw, "title", where), _text(raw, "summary", where), raw["audience"],
                  raw["reviewed"], raw[revision_key], float(pass_mark), tuple(lessons))


@dataclass(frozen=True)
class Catalogue:
    courses: dict[tuple[str, str], Course]  # (lang, id)

    def ids(self) -> list[str]:
        return sorted({i for (lang, i) in self.courses if lang == SOURCE_LANGUAGE})

    def get(self, ident: str, lang: str) -> Course | None:
        return self.courses.get((lang, ident)) or self.courses.get((SOURCE_LANGUAGE, ident))


def load_folder(root: Traversable) -> Catalogue:
    courses = {}
    for lang in LANGUAGES:
        folder = root / lang
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name.endswith(".toml"):
                ident = entry.name[:-5]
                courses[(lang, ident)] = parse_course(entry.read_text("utf-8"), ident, lang)
    for (lang, ident), course in courses.items():
        source = courses.get((SOURCE_LANGUAGE, ident))
        if source is None:
            raise ContentError(f"course {lang}/{ident}: a translation without an English source")
        if [lesson.id for lesson in course.lessons] != [lesson.id for lesson in source.lessons] or any(
                [q.id for q in a.questions] != [q.id for q in b.questions] or
                [q.answer for q in a.questions] != [q.answer for q in b.questions]
                for a, b in zip(course.lessons, source.lessons, strict=True)):
            raise ContentError(f"course {lang}/{ident}: lessons, questions and answers must match the English source")
    return Catalogue(courses)


@lru_cache(maxsize=1)
def bundled() -> Catalogue:
    return load_folder(resources.files("childsafe.learn").joinpath("courses"))
