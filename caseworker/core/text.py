"""Text folded for searching: case, accents and script variants that people do not type."""

from __future__ import annotations

import unicodedata

# Letters people type interchangeably, mapped to one form: Latin letters whose stroke is not a
# combining mark (so NFKD leaves them alone), and Arabic-script variants.
_VARIANTS = str.maketrans(
    {
        "\u0131": "i",  # Turkish dotless i
        "\u00f8": "o",  # Danish and Norwegian o with stroke
        "\u0142": "l",  # Polish l with stroke
        "\u0111": "d",  # d with stroke
        "\u0127": "h",  # Maltese h with stroke
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Farsi yeh -> yeh
        "\u06d2": "\u064a",  # yeh barree -> yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh (Persian kaf)
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u06d5": "\u0647",  # ae (Sorani) -> heh
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0626": "\u064a",  # yeh with hamza -> yeh
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner (Persian)
        "\u200d": None,  # zero-width joiner
    }
)


def fold(text: str) -> str:
    """Lower case, without diacritics or Arabic vowel marks, with letter variants unified.

    'Ḥasan', 'hasan' and 'HASAN' fold alike; so do 'أحمد' and 'احمد', and 'Σοφία' and 'σοφια'.
    """
    # Decompose before and after case folding: compatibility forms (styled letters, ligatures)
    # become plain letters first, so that their capitals fold too.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_VARIANTS)
