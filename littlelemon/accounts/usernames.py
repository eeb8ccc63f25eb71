"""When two usernames are the same name: the key they are compared by, and the names refused.

Two usernames that a person reading them could take for one another must not both exist:
`manager`, `Manager`, `ＭＡＮＡＧＥＲ` (full-width) and `mаnager` (with a Cyrillic "а") would
all pass for the restaurant's manager on an order board or in a message. So:

- `username_key()` is what uniqueness is decided on, stored in its own column with a unique
  index (the database settles races): NFKC (full-width and other compatibility forms become
  the plain letters), case folding (Unicode's, not ASCII's: "ß" is "ss"), NFKC again, then
  each letter that is drawn like a Latin letter in Cyrillic or Greek replaced by that Latin
  letter (a small table after Unicode TR39's confusables: the letters of those scripts that
  pass for Latin ones in common fonts). SQL cannot compute this (SQLite's `lower()` folds ASCII
  only, no database normalises Unicode), so it is computed here.
- `username_script_problem()` refuses a new name that mixes scripts (Latin with Cyrillic or
  Greek, say), as TR39's "highly restrictive" level does: no real name needs it and it is how
  look-alikes are built. Han with Hiragana, Katakana, Hangul or Bopomofo, and any of them with
  Latin, are ordinary Japanese, Chinese and Korean writing and stay allowed.

Applied to every account, not only staff: roles are given to existing accounts, so a
customer's name can become a staff name at any time.
"""

import unicodedata

# Cyrillic and Greek letters (after case folding) drawn like a Latin letter.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "п": "n",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "г": "r",
        "ѕ": "s",
        "т": "t",
        "ц": "u",
        "ѵ": "v",
        "ԝ": "w",
        "х": "x",
        "у": "y",
        "ү": "y",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "ω": "w",
    }
)

# Scripts that are written together (Japanese, Chinese, Korean), with Latin or without.
_WRITTEN_TOGETHER = (
    {"LATIN", "CJK", "HIRAGANA", "KATAKANA"},
    {"LATIN", "CJK", "HANGUL"},
    {"LATIN", "CJK", "BOPOMOFO"},
)

MIXED_SCRIPTS = "Use the letters of one alphabet: a name may not mix, say, Latin and Cyrillic letters."


def username_key(username: str) -> str:
    """What two usernames are compared by: equal keys are one name (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())
    return folded.translate(CONFUSABLES)


def _script(character: str) -> str | None:
    """The script of a letter or digit, from its Unicode name (`CYRILLIC SMALL LETTER A`);
    None for what belongs to no script (ASCII digits, `_`, `.`, `@`, `+`, `-`, marks)."""
    if character.isascii() and not character.isalpha():
        return None
    if not unicodedata.category(character).startswith(("L", "N")):
        return None
    name = unicodedata.name(character, "")
    return name.split(" ", 1)[0].split("-", 1)[0] or None


def username_script_problem(username: str) -> str | None:
    """Why a new username is refused for mixing scripts, or None."""
    scripts = {script for character in unicodedata.normalize("NFKC", username) if (script := _script(character))}
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _WRITTEN_TOGETHER):
        return None
    return MIXED_SCRIPTS
