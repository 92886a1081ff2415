"""Survey microdata: a codebook maps a file's columns to the framework's variables; the file is checked row by row
and kept as compact columns (codes, not answers as typed), so nothing is stored unless every row passes."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from childsafe.core.errors import InvalidInputError
from childsafe.stats.framework import AGE_BANDS, SEXES, Framework

MAX_ERRORS = 20
MAX_ROWS = 5_000_000
MIN_AGE, MAX_AGE = min(lo for lo, _ in AGE_BANDS.values()), max(hi for _, hi in AGE_BANDS.values())
ANSWERS = {"yes": 1, "no": 0, "missing": -1}
SEX_CODES = {**{sex: i for i, sex in enumerate(SEXES)}, "missing": len(SEXES)}
SPECIAL = ("sex", "age", "weight")


class SurveyFileError(InvalidInputError):
    """The file or its codebook does not pass; `problems` lists up to MAX_ERRORS of them, row and column named."""

    def __init__(self, problems: list[str], *, field: str) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, field=field)
        self.problems = problems


@dataclass
class Codebook:
    """column -> variable, and for coded variables the code -> value mapping."""

    columns: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def column_of(self, variable: str) -> str | None:
        return next((c for c, v in self.columns.items() if v == variable), None)

    def variables(self) -> list[str]:
        return [v for v in self.columns.values() if v not in SPECIAL]

    def as_json(self) -> dict[str, object]:
        return {"columns": self.columns, "codes": self.codes}


def parse_codebook(text: str, framework: Framework) -> Codebook:
    """Rows `column,variable,code,value`: coded variables list each code; age and weight have one row, no code."""
    known = framework.survey_variables()
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames][:4] != ["column", "variable", "code",
                                                                                   "value"]:
        raise SurveyFileError(["the codebook's header must be: column,variable,code,value"], field="codebook")
    book, problems = Codebook(), []
    for number, row in enumerate(reader, start=2):
        column, variable = (row.get("column") or "").strip(), (row.get("variable") or "").strip()
        code, value = (row.get("code") or "").strip(), (row.get("value") or "").strip()
        if not column or variable not in known | set(SPECIAL):
            problems.append(f"codebook line {number}: variable {variable!r} is not in the framework "
                            f"(sex, age, weight or an indicator variable such as {sorted(known)[0]})")
            continue
        if book.columns.setdefault(column, variable) != variable:
            problems.append(f"codebook line {number}: column {column!r} is mapped to two variables")
            continue
        if variable in ("age", "weight"):
            if code or value:
                problems.append(f"codebook line {number}: {variable} is a number; leave code and value empty")
            continue
        allowed = (*SEXES, "missing") if variable == "sex" else tuple(ANSWERS)
        if not code or value not in allowed:
            problems.append(f"codebook line {number}: code {code!r} of {variable} must map to one of "
                            f"{', '.join(allowed)}")
            continue
        book.codes.setdefault(column, {})[code] = value
    mapped = list(book.columns.values())
    for variable in ("sex", "age"):
        if variable not in mapped:
            problems.append(f"the codebook must map a column to {variable}")
    duplicates = sorted({v for v in mapped if mapped.count(v) > 1})
    if duplicates:
        problems.append(f"the codebook maps several columns to {', '.join(duplicates)}")
    if not book.variables():
        problems.append("the codebook maps no indicator variable")
    if problems:
        raise SurveyFileError(problems[:MAX_ERRORS], field="codebook")
    return book


@dataclass
class Microdata:
    """One survey as columns: sex (0 female, 1 male, 2 missing), age band (index into AGE_BANDS), weight, and per
    variable 1 yes / 0 no / -1 missing."""

    sex: np.ndarray
    age_band: np.ndarray
    weight: np.ndarray
    answers: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.sex)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, sex=self.sex, age_band=self.age_band, weight=self.weight,
                            **{f"v_{k}": v for k, v in self.answers.items()})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Microdata:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return cls(sex=arrays["sex"], age_band=arrays["age_band"], weight=arrays["weight"],
                       answers={k[2:]: arrays[k] for k in arrays.files if k.startswith("v_")})


def _age_band(text: str) -> int | None:
    try:
        age = float(text)
    except ValueError:
        return None
    if not age.is_integer() or not MIN_AGE <= age <= MAX_AGE:
        return None
    return next(i for i, (lo, hi) in enumerate(AGE_BANDS.values()) if lo <= age <= hi)


def utf8_lines(binary: Iterable[bytes]) -> Iterator[str]:
    """Decode an uploaded file line by line, so a bad byte is reported with its line number."""
    for number, raw in enumerate(binary, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise SurveyFileError([f"line {number} of the survey file is not UTF-8 text"], field="file") from None


def read_microdata(lines: Iterable[str], book: Codebook) -> Microdata:
    """Check every row (codes in the codebook, age 9-17, weight a positive number) and return the columns; raise
    SurveyFileError listing the first problems, each with its row number and column, if any row fails."""
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SurveyFileError(["the survey file is empty"], field="file") from None
    except csv.Error as exc:
        raise SurveyFileError([f"the survey file is not CSV: {exc}"], field="file") from None
    except UnicodeDecodeError:
        raise SurveyFileError(["the survey file is not UTF-8 text"], field="file") from None
    absent = [c for c in book.columns if c not in header]
    if absent:
        raise SurveyFileError([f"the file has no column {c!r} (the codebook maps it)" for c in absent], field="file")
    where = {column: header.index(column) for column in book.columns}
    variables = book.variables()
    sex_at, age_at = where[book.column_of("sex") or ""], where[book.column_of("age") or ""]
    weight_column = book.column_of("weight")
    weight_at = where[weight_column] if weight_column else None
    sex_codes = {code: SEX_CODES[value] for code, value in book.codes.get(book.column_of("sex") or "", {}).items()}
    var_codes = [(v, where[c], {code: ANSWERS[value] for code, value in book.codes.get(c, {}).items()}, c)
                 for c, v in book.columns.items() if v in variables]
    sex, band, weight = [], [], []
    answers: dict[str, list[int]] = {v: [] for v in variables}
    problems: list[str] = []
    try:
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise SurveyFileError([f"the file has more than {MAX_ROWS:,} rows"], field="file")
            if not row:
                continue
            if len(row) != len(header):
                problems.append(f"row {number}: {len(row)} cells, the header has {len(header)}")
                if len(problems) >= MAX_ERRORS:
                    break
                continue
            code = sex_codes.get(row[sex_at].strip())
            if code is None:
                problems.append(f"row {number}, column {header[sex_at]!r}: {row[sex_at]!r} is not a code in the "
                                "codebook")
            sex.append(code or 0)
            age = _age_band(row[age_at].strip())
            if age is None:
                problems.append(f"row {number}, column {header[age_at]!r}: {row[age_at]!r} is not an age from "
                                f"{MIN_AGE} to {MAX_AGE}")
            band.append(age or 0)
            if weight_at is not None:
                try:
                    value = float(row[weight_at])
                except ValueError:
                    value = math.nan
                if not (math.isfinite(value) and value > 0):
                    problems.append(f"row {number}, column {header[weight_at]!r}: {row[weight_at]!r} is not a "
                                    "positive weight")
                weight.append(value)
            for variable, at, codes, column in var_codes:
                answer = codes.get(row[at].strip())
                if answer is None:
                    problems.append(f"row {number}, column {column!r}: {row[at]!r} is not a code in the codebook "
                                    f"({', '.join(codes)})")
                answers[variable].append(-1 if answer is None else answer)
            if len(problems) >= MAX_ERRORS:
                break
    except csv.Error as exc:
        problems.append(f"the file is not valid CSV near row {reader.line_num}: {exc}")
    except UnicodeDecodeError:
        problems.append(f"the file is not UTF-8 text (near row {reader.line_num + 1})")
    if problems:
        raise SurveyFileError(problems[:MAX_ERRORS], field="file")
    if not sex:
        raise SurveyFileError(["the survey file has a header but no rows"], field="file")
    return Microdata(sex=np.asarray(sex, dtype=np.uint8), age_band=np.asarray(band, dtype=np.uint8),
                     weight=np.asarray(weight, dtype=np.float64) if weight else np.ones(len(sex)),
                     answers={v: np.asarray(a, dtype=np.int8) for v, a in answers.items()})
