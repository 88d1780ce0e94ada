"""A cheap guess at a text's language from its script, to hide "Translate" where it is pointless.

Only a hint: the backend detects the language for real. Latin text is
"unknown" unless it has Vietnamese letters (English, Vietnamese without
diacritics and others look alike).
"""

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_VIET = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_LATIN = re.compile(r"[A-Za-z]")


def guess_language(text: str) -> str:
    sample = text[:500]
    counts = {
        "ko": len(_HANGUL.findall(sample)),
        "ja": len(_KANA.findall(sample)),
        "zh-hans": len(_HAN.findall(sample)),
        "vi": len(_VIET.findall(sample)),
    }
    if counts["ja"]:
        return "ja"
    if counts["ko"] and counts["ko"] >= counts["zh-hans"]:
        return "ko"
    if counts["zh-hans"]:
        return "zh-hans"
    if counts["vi"]:
        return "vi"
    return "" if not _LATIN.search(sample) else "latin"
