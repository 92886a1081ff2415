"""Safe search by DNS: the names each engine answers for, and the CNAME that forces its safe mode.

Targets are the engines' published enforcement hosts (see docs/filtering.md for sources): Google
forcesafesearch.google.com, Bing strict.bing.com, DuckDuckGo safe.duckduckgo.com, YouTube restrict.youtube.com
(strict) or restrictmoderate.youtube.com (moderate), Ecosia strict-safe-search.ecosia.org.
"""

from __future__ import annotations

# Google serves search on www.google.<tld> for about 190 country domains; the list is the public one Google
# publishes for SafeSearch enforcement (supported_domains), kept here as data.
GOOGLE_TLDS = (
    "com ad ae com.af com.ag al am co.ao com.ar as at com.au az ba com.bd be bf bg com.bh bi bj com.bn com.bo "
    "com.br bs bt co.bw by com.bz ca cd cf cg ch ci co.ck cl cm cn com.co co.cr com.cu cv com.cy cz de dj dk dm "
    "com.do dz com.ec ee com.eg es com.et fi com.fj fm fr ga ge gg com.gh com.gi gl gm gr com.gt gy com.hk hn hr "
    "ht hu co.id ie co.il im co.in iq is it je com.jm jo co.jp co.ke com.kh ki kg co.kr com.kw kz la com.lb li lk "
    "co.ls lt lu lv com.ly co.ma md me mg mk ml com.mm mn com.mt mu mv mw com.mx com.my co.mz com.na com.ng "
    "com.ni ne nl no com.np nr nu co.nz com.om com.pa com.pe com.pg com.ph com.pk pl pn com.pr ps pt com.py "
    "com.qa ro ru rw com.sa com.sb sc se com.sg sh si sk com.sl sn so sm sr st com.sv td tg co.th com.tj tl tm "
    "tn to com.tr tt com.tw co.tz com.ua co.ug co.uk com.uy co.uz com.vc co.ve co.vi com.vn vu ws rs co.za "
    "co.zm co.zw cat").split()

GOOGLE_TARGET = "forcesafesearch.google.com"
BING_TARGET = "strict.bing.com"
DUCKDUCKGO_TARGET = "safe.duckduckgo.com"
ECOSIA_TARGET = "strict-safe-search.ecosia.org"
YOUTUBE_TARGETS = {"strict": "restrict.youtube.com", "moderate": "restrictmoderate.youtube.com"}
YOUTUBE_NAMES = ("www.youtube.com", "m.youtube.com", "youtubei.googleapis.com", "youtube.googleapis.com",
                 "www.youtube-nocookie.com")
# Search engines with no DNS-enforced safe mode: blocked while safe search is on, so it cannot be sidestepped.
UNFORCEABLE_ENGINES = ("search.yahoo.com", "search.brave.com", "www.startpage.com", "startpage.com",
                       "yandex.com", "yandex.ru", "www.qwant.com", "search.aol.com", "www.ask.com")


def _engine_map() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for tld in GOOGLE_TLDS:
        names[f"www.google.{tld}"] = ("google", GOOGLE_TARGET)
        names[f"google.{tld}"] = ("google", GOOGLE_TARGET)
    for name in ("www.bing.com", "bing.com"):
        names[name] = ("bing", BING_TARGET)
    for name in ("duckduckgo.com", "www.duckduckgo.com", "start.duckduckgo.com", "html.duckduckgo.com"):
        names[name] = ("duckduckgo", DUCKDUCKGO_TARGET)
    for name in ("www.ecosia.org", "ecosia.org"):
        names[name] = ("ecosia", ECOSIA_TARGET)
    return names


SEARCH_ENGINES = _engine_map()


def rewrite(name: str, *, search: bool, youtube: str) -> tuple[str, str] | None:
    """(engine, CNAME target) when `name` must be rewritten, else None. youtube is off, moderate or strict."""
    if search:
        hit = SEARCH_ENGINES.get(name)
        if hit:
            return hit
    if youtube in YOUTUBE_TARGETS and name in YOUTUBE_NAMES:
        return ("youtube", YOUTUBE_TARGETS[youtube])
    return None


def unforceable(name: str) -> bool:
    return name in UNFORCEABLE_ENGINES
