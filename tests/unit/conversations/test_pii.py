"""Personal data detectors: kinds and places, never values."""

from __future__ import annotations

import pytest

from childsafe.conversations import pii


@pytest.mark.parametrize(("text", "language", "kind"), [
    ("call me 07911 123456", "en", "phone_number"),
    ("+33 6 12 34 56 78", "fr", "phone_number"),
    ("mi número 612 34 56 78", "es", "phone_number"),
    ("mail jo.doe@example.com", "en", "email_address"),
    ("jo.doe (at) example (dot) com", "en", "email_address"),
    ("im at 12 baker street", "en", "street_address"),
    ("j'habite 12 rue de la paix", "fr", "street_address"),
    ("vivo en calle mayor 15", "es", "street_address"),
    ("ich wohne hauptstraße 5", "de", "street_address"),
    ("here https://maps.app.goo.gl/abc", "en", "live_location"),
    ("48.8566, 2.3522", "en", "live_location"),
    ("my snap is lily_2011", "en", "social_handle"),
    ("add @jojo_12", "en", "social_handle"),
    ("abito in via Garibaldi 12", "it", "street_address"),
    ("chiamami al 333 123 4567", "it", "phone_number"),
    ("il mio snap è giuli.08", "it", "social_handle"),
    ("moro na Rua das Flores, 123", "pt", "street_address"),
    ("me chama no zap (11) 98765-4321", "pt", "phone_number"),
    ("meu insta é bia_2011", "pt", "social_handle"),
    ("я живу на ул. Ленина, д. 5", "ru", "street_address"),
    ("звони 8 916 123-45-67", "ru", "phone_number"),
    ("мой инст: lera_2012", "ru", "social_handle"),
])
def test_finds(text: str, language: str, kind: str) -> None:
    assert kind in {f.signal for f in pii.detect(text, language)}


@pytest.mark.parametrize("text", ["i scored 1234567 points", "add me on snap", "see you at 5", "clichés... you copy",
                                  "the year 2011 was great", "email me later"])
def test_ordinary_text_has_none(text: str) -> None:
    assert pii.detect(text, "en") == []


@pytest.mark.parametrize(("helpline", "private", "language"), [
    ("you can call childline on 0800 1111", "you can call me on 0800 123 4567", "en"),
    ("ruf die Nummer gegen Kummer an: 0800 111 0 333", "ruf mich an: 0176 2849 5531", "de"),
    ("llama al 900 20 20 10, te ayudan", "llámame al 612 34 56 78", "es"),
    ("oder ruf die telefonseelsorge an 0800 111 0 111", "oder ruf mich an 0800 111 0 112", "de"),  # crisis lines too
    ("chiama il telefono amico 02 2327 2327", "chiamami allo 02 2327 2328", "it"),
])
def test_a_helplines_number_is_no_personal_data(helpline: str, private: str, language: str) -> None:
    assert pii.detect(helpline, language) == []
    assert [f.signal for f in pii.detect(private, language)] == ["phone_number"]


@pytest.mark.parametrize(("text", "language"), [("sent it via the app 2 times", "en"), ("ho snap e insta", "it"),
                                                ("ci vediamo alle 5 in piazza", "it"),
                                                ("a rua tava cheia 2 horas", "pt"),
                                                ("ждал на площади 2 часа", "ru"),
                                                ("пр как дела, я на 2 этаже", "ru")])
def test_street_words_alone_are_no_address(text: str, language: str) -> None:
    assert pii.detect(text, language) == []


@pytest.mark.parametrize(("reply", "name"), [
    ("avamae_x", "avamae_x"), ("ya its lily.bxo", "lily.bxo"), ("kaylee13 ❤️", "kaylee13"), ("emmy_xo.", "emmy_xo"),
    ("ok!!", None), ("at 10.30", None), ("google.com", None), ("4th", None), ("idk..", None),
    ("my snap is lily.bxo but my mom checks it every single day", None),  # a long message is no bare answer
])
def test_a_short_reply_may_hold_a_user_name(reply: str, name: str | None) -> None:
    span = pii.answered_handle(reply)
    assert (reply[span[0]:span[1]] if span else None) == name


@pytest.mark.parametrize(("text", "language", "kind"), [
    ("我的手机13812345678加我", "zh", "phone_number"),
    ("我微信号是abc_123", "zh", "social_handle"),
    ("qq：123456789 加我", "zh", "social_handle"),
    ("我家在人民路18号", "zh", "street_address"),
    ("阳光小区3栋2单元502", "zh", "street_address"),
    ("رقمي ٠١٠٠١٢٣٤٥٦٧", "ar", "phone_number"),
    ("سنابي sara.2010", "ar", "social_handle"),
    ("يوزري هو lolo", "ar", "social_handle"),
    ("ساكن شارع الملك فهد رقم 12", "ar", "street_address"),
])
def test_finds_chinese_and_arabic(text: str, language: str, kind: str) -> None:
    assert kind in {f.signal for f in pii.detect(text, language)}


@pytest.mark.parametrize(("text", "language"), [("我13岁 上初一", "zh"), ("今天作业有3页", "zh"), ("微信上说吧", "zh"),
                                                ("شارع طويل 5 دقايق", "ar"), ("انستا حلو كثير", "ar")])
def test_chinese_and_arabic_ordinary_text_has_none(text: str, language: str) -> None:
    assert pii.detect(text, language) == []
