"""Normalisation undoes evasions without mangling ordinary text, ages or other scripts."""

from __future__ import annotations

import pytest

from childsafe.conversations.normalise import Normaliser, segment

N = Normaliser({"u": ("you",), "r": ("are",), "ur": ("your",)}, {"send", "nudes", "me", "pics"})


@pytest.mark.parametrize(("raw", "tokens"), [
    ("How old R U??", ["how", "old", "are", "you"]),
    ("s3nd m3 p1cs", ["send", "me", "pics"]),
    ("pleeeease", ["please"]),
    ("s e n d n u d e s", ["send", "nudes"]),
    ("s.e.n.d", ["send"]),
    ("n-u-d-e-s", ["nudes"]),
    ("sеnd", ["send"]),  # Cyrillic е inside a Latin word
    ("𝓼𝓮𝓷𝓭", ["send"]),  # mathematical script letters fold to plain ones
    ("Où habites-tu ?", ["ou", "habites", "tu"]),
    ("don't tell", ["don", "t", "tell"]),
    ("im 13f", ["im", "13", "f"]),
    ("in 8th grade", ["in", "8", "grade"]),
    ("je suis en 5ème", ["je", "suis", "en", "5"]),
    ("ok 🤫🤫", ["ok", ":shush:", ":shush:"]),
    ("thumbs 👍🏽 up", ["thumbs", "up"]),
    ("add @lily_2011", ["add", ":handle:"]),
    ("Straße", ["strasse"]),
])
def test_tokens(raw: str, tokens: list[str]) -> None:
    assert N.tokens(raw) == tokens


def test_other_scripts_stay_themselves() -> None:
    assert N.tokens("Привет, как дела?") == ["привет", "как", "дела"]
    assert N.tokens("مرحبا كيف حالك") == ["مرحبا", "كيف", "حالك"]


def test_numbers_are_not_leetspeak() -> None:
    assert N.tokens("call at 10 or 1234") == ["call", "at", "10", "or", "1234"]


def test_abbreviation_runs_are_not_spaced_words() -> None:
    assert N.tokens("u r so cool") == ["you", "are", "so", "cool"]


def test_segment_prefers_known_words() -> None:
    assert segment("sendmenudes", frozenset({"send", "nudes", "me", "men", "sen"})) == ["send", "me", "nudes"]
    assert segment("xyzzy", frozenset({"send"})) == ["xyzzy"]


@pytest.mark.parametrize(("raw", "tokens"), [
    ("Привет! Сколько тебе лет?", ["привет", "сколько", "тебе", "лет"]),
    ("сeкс", ["секс"]),  # a Latin e inside a Cyrillic word
    ("ПPИBET", ["привет"]),  # Latin capitals that look Cyrillic
    ("с3кс", ["секс"]),  # leetspeak inside a Cyrillic word
    ("скинь ф0тку", ["скинь", "фотку"]),
    ("ёлка", ["елка"]),
    ("privet kak dela", ["privet", "kak", "dela"]),  # transliteration stays Latin
    ("мне 13л, я в 7ом классе", ["мне", "13", "л", "я", "в", "7", "ом", "классе"]),  # numbers with endings
    ("школа №1580, кв12", ["школа", "номер", "1580", "кв", "12"]),
])
def test_a_cyrillic_language_folds_mixed_words_to_cyrillic(raw: str, tokens: list[str]) -> None:
    assert Normaliser(cyrillic=True).tokens(raw) == tokens


@pytest.mark.parametrize(("raw", "tokens"), [
    ("send n*des", ["send", "nudes"]),  # one censored word fits: it is read as that word
    ("s**y pics", ["sexy", "pics"]),
    ("r*pe", ["rpe"]),  # "rape" and "rope" both fit: the stars are only dropped
    ("n*des!!", ["nudes"]),
    ("n*des are 2 words", ["nudes", "are", "2", "words"]),
    ("a*b", ["ab"]),  # nothing fits
])
def test_a_censored_word_is_read_as_the_one_word_it_can_be(raw: str, tokens: list[str]) -> None:
    normaliser = Normaliser(censored={"nudes", "sexy", "rape", "rope"})
    assert normaliser.tokens(raw) == tokens


@pytest.mark.parametrize(("raw", "tokens"), [
    ("加我微信吧", ["加", "我", "微", "信", "吧"]),  # Chinese has no spaces: each Han character is a token
    ("發張照片", ["发", "张", "照", "片"]),  # traditional characters are read as simplified ones
    ("我13岁 qq号123456", ["我", "13", "岁", "qq", "号", "123456"]),  # numbers and Latin runs stay whole
    ("哈哈哈哈笑死", ["哈", "哈", "笑", "死"]),  # a character repeated three times or more, twice
    ("今晚啪啪啪", ["今", "晚", "啪", "啪"]),  # so a reduplicated word stays the word
    ("ｗｘ加我", ["wx", "加", "我"]),  # full-width letters
    ("s e n d 加我", ["send", "加", "我"]),  # characters are words, not letters spaced out
])
def test_chinese_is_read_a_character_at_a_time(raw: str, tokens: list[str]) -> None:
    assert Normaliser(vocabulary={"send"}).tokens(raw) == tokens


@pytest.mark.parametrize(("raw", "tokens"), [
    ("أرسلِي صُورتكِ", ["ارسلي", "صورتك"]),  # short vowels dropped, alef with hamza is alef
    ("إنتَ فيـــــن؟", ["انت", "فين"]),  # tatweel dropped, punctuation split off
    ("على مكتبة", ["علي", "مكتبه"]),  # alef maqsura as yeh, teh marbuta as heh
    ("رقمي ٠١٠٠١٢٣", ["رقمي", "0100123"]),  # Arabic-Indic digits
    ("هههههه", ["ه"]),
    ("3ayez a3raf", ["eayez", "aeraf"]),  # Arabizi takes the leetspeak path, the same way in patterns
    ("عمري14 بالصف7", ["عمري", "14", "بالصف", "7"]),  # digits against Arabic letters are numbers, not leetspeak
    ("عمرچ تگولين", ["عمرك", "تقولين"]),  # Iraqi and Gulf spellings
])
def test_arabic_spellings_are_read_as_one(raw: str, tokens: list[str]) -> None:
    assert Normaliser().tokens(raw) == tokens
