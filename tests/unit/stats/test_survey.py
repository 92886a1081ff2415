"""Codebooks and survey files are checked row by row; a failing file yields named problems and no data."""

from __future__ import annotations

import numpy as np
import pytest

from childsafe.stats import synthetic
from childsafe.stats.framework import load
from childsafe.stats.survey import Microdata, SurveyFileError, parse_codebook, read_microdata, utf8_lines

CODEBOOK = """column,variable,code,value
gender,sex,1,female
gender,sex,2,male
gender,sex,9,missing
age_years,age,,
w,weight,,
Q1,internet_use,1,yes
Q1,internet_use,2,no
Q1,internet_use,8,missing
Q2,daily_use,1,yes
Q2,daily_use,2,no
Q2,daily_use,8,missing
"""


def book():  # noqa: ANN201
    return parse_codebook(CODEBOOK, load())


def test_a_good_file_becomes_compact_columns() -> None:
    data = read_microdata(["gender,age_years,w,Q1,Q2", "1,9,1.5,1,1", "2,17,0.5,2,8", "9,12,1,8,8"], book())
    assert data.sex.tolist() == [0, 1, 2]
    assert data.age_band.tolist() == [0, 2, 1]
    assert data.weight.tolist() == [1.5, 0.5, 1.0]
    assert data.answers["internet_use"].tolist() == [1, 0, -1]
    assert data.answers["daily_use"].tolist() == [1, -1, -1]
    again = Microdata.from_bytes(data.to_bytes())
    assert np.array_equal(again.answers["daily_use"], data.answers["daily_use"]) and len(again) == 3


def test_every_bad_row_is_named_with_its_column() -> None:
    with pytest.raises(SurveyFileError) as caught:
        read_microdata(["gender,age_years,w,Q1,Q2", "1,9,1,1,1", "3,9,1,1,1", "1,25,1,1,1", "1,9,-2,1,1",
                        "1,9,1,5,1", "1,9,1"], book())
    problems = caught.value.problems
    assert problems == [
        "row 3, column 'gender': '3' is not a code in the codebook",
        "row 4, column 'age_years': '25' is not an age from 9 to 17",
        "row 5, column 'w': '-2' is not a positive weight",
        "row 6, column 'Q1': '5' is not a code in the codebook (1, 2, 8)",
        "row 7: 3 cells, the header has 5",
    ]
    assert caught.value.field == "file" and "and 4 more" in caught.value.message


def test_errors_stop_at_twenty() -> None:
    rows = ["gender,age_years,w,Q1,Q2"] + ["7,9,1,1,1"] * 100
    with pytest.raises(SurveyFileError) as caught:
        read_microdata(rows, book())
    assert len(caught.value.problems) == 20


@pytest.mark.parametrize(("lines", "message"), [
    ([], "empty"),
    (["gender,age_years,w,Q1,Q2"], "no rows"),
    (["gender,age_years,w,Q1"], "no column 'Q2'"),
    (["gender,age_years,w,Q1,Q2", "1,9.5,1,1,1"], "not an age"),
    (["gender,age_years,w,Q1,Q2", "1,9,nan,1,1"], "positive weight"),
    (["gender,age_years,w,Q1,Q2", "1,9,inf,1,1"], "positive weight"),
])
def test_files_that_cannot_be_read(lines: list[str], message: str) -> None:
    with pytest.raises(SurveyFileError, match=message):
        read_microdata(lines, book())


def test_non_utf8_text_is_refused_with_the_row() -> None:
    import io  # noqa: PLC0415

    raw = io.BytesIO(b"\xef\xbb\xbfgender,age_years,w,Q1,Q2\n1,9,1,1,1\n1,9,1,\xff,1\n")
    with pytest.raises(SurveyFileError, match="line 3 of the survey file is not UTF-8"):
        read_microdata(utf8_lines(raw), book())
    assert len(read_microdata(utf8_lines(io.BytesIO(b"\xef\xbb\xbfgender,age_years,w,Q1,Q2\n1,9,1,1,1\n")),
                              book())) == 1  # a byte-order mark is not part of the first column's name


@pytest.mark.parametrize(("codebook", "message"), [
    ("col,var\n", "header must be"),
    ("column,variable,code,value\ng,sex,1,female\n", "map a column to age"),
    ("column,variable,code,value\ng,sex,1,woman\na,age,,\nq,internet_use,1,yes\n", "must map to one of"),
    ("column,variable,code,value\ng,sex,1,female\na,age,,\nq,favourite_colour,1,yes\n", "not in the framework"),
    ("column,variable,code,value\ng,sex,1,female\na,age,,\n", "no indicator variable"),
    ("column,variable,code,value\ng,sex,1,female\na,age,3,x\nq,internet_use,1,yes\n", "is a number"),
    ("column,variable,code,value\ng,sex,1,female\na,age,,\nq,internet_use,1,yes\nq,sex,1,female\n",
     "two variables"),
])
def test_codebook_problems_are_named(codebook: str, message: str) -> None:
    with pytest.raises(SurveyFileError, match=message):
        parse_codebook(codebook, load())


def test_the_synthetic_survey_reads_back_with_its_rates() -> None:
    framework = load()
    text = synthetic.survey_csv(framework, 4000, {"internet_use": 0.9}, seed=3)
    data = read_microdata(text.splitlines(), parse_codebook(synthetic.codebook(framework), framework))
    assert len(data) == 4000
    answered = data.answers["internet_use"][data.answers["internet_use"] >= 0]
    assert 0.87 < answered.mean() < 0.93
