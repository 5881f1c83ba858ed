"""Pure rules of duplicate finding: normalised names, blocking keys, similarity and scores.

No Django here. Finding never compares all pairs: parties are grouped into blocks by a
cheap key (shared e-mail, shared phone, website domain, a phonetic code of the name) and
only pairs inside a block are compared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from rapidfuzz.distance import JaroWinkler

# How strongly each reason alone suggests the same party (0-100).
REASON_SCORES: Mapping[str, int] = {
    "same_email": 95,
    "same_phone": 90,
    "same_domain": 85,
    "same_name": 80,
    "similar_name": 60,  # plus up to 20 for how similar
}
EXTRA_REASON_BONUS = 5  # each further reason adds this, up to 100
NAME_SIMILARITY_THRESHOLD = 0.9
MAX_BLOCK = 50  # a key shared by more parties (info@, a switchboard) says little; skip it

LEGAL_SUFFIXES = frozenset(
    {
        "ag",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kgaa",
        "llc",
        "llp",
        "ltd",
        "limited",
        "nv",
        "oy",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "se",
        "spa",
        "srl",
        "ug",
        "ab",
        "as",
    }
)
_TRANSLITERATION = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "&": " "})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents dropped, punctuation to single spaces."""
    lowered = (text or "").casefold().translate(_TRANSLITERATION).translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", ascii_only).split())


def person_name(first_name: str, last_name: str) -> str:
    """A person's name for comparing: folded, first name then last name."""
    return fold(f"{first_name} {last_name}")


def company_name(name: str) -> str:
    """A company's name for comparing: folded, legal-form words (GmbH, Ltd, Inc…) removed."""
    words = fold(name).split()
    kept = [word for word in words if word not in LEGAL_SUFFIXES]
    return " ".join(kept or words)


def website_domain(url: str) -> str:
    """The host of a web address without ``www.``: ``https://www.Acme.com/x`` → ``acme.com``."""
    text = (url or "").strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    host = re.split(r"[/?#:]", text, maxsplit=1)[0]
    return host.removeprefix("www.").strip(".")


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def soundex(word: str) -> str:
    """American Soundex of a folded word (``robert`` → ``r163``); empty for no letters."""
    letters = [c for c in fold(word) if c.isalpha()]
    if not letters:
        return ""
    code = letters[0]
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for letter in letters[1:]:
        digit = _SOUNDEX_CODES.get(letter, "")
        if digit and digit != previous:
            code += digit
        if letter not in "hw":  # h and w do not separate equal codes
            previous = digit
    return (code + "000")[:4]


def person_block(first_name: str, last_name: str) -> str:
    """Blocking key of a person: Soundex of the last name and the first name's initial."""
    first = fold(first_name)
    last = fold(last_name).split()
    return f"{soundex(last[-1] if last else '')}:{first[:1]}"


def person_prefix_block(first_name: str, last_name: str) -> str:
    """Second blocking key: the last name's first four letters and the first initial.

    Catches typos late in a name that change its Soundex ("Lovelace", "Lovelance").
    """
    last = fold(last_name).replace(" ", "")
    return f"{last[:4]}:{fold(first_name)[:1]}" if last else ""


def company_block(name: str) -> str:
    """Blocking key of a company: Soundex of the first word of its normalised name."""
    words = company_name(name).split()
    return soundex(words[0]) if words else ""


def company_prefix_block(name: str) -> str:
    """Second blocking key of a company: the first four letters of its normalised name."""
    return company_name(name).replace(" ", "")[:4]


def jaro_winkler(left: str, right: str) -> float:
    """Jaro-Winkler similarity of two strings, 0.0 (nothing alike) to 1.0 (equal).

    rapidfuzz computes it in C: a scan of 100,000 people makes hundreds of thousands of them.
    """
    return float(JaroWinkler.similarity(left, right, prefix_weight=0.1))


def name_similarity(left: str, right: str) -> float:
    """Similarity of two normalised names; word order does not matter ("Ada Byron", "Byron Ada")."""
    direct = jaro_winkler(left, right)
    sorted_left = " ".join(sorted(left.split()))
    sorted_right = " ".join(sorted(right.split()))
    return max(direct, jaro_winkler(sorted_left, sorted_right))


@dataclass
class Candidate:
    """A likely duplicate pair (lower id first) with why it was found."""

    first_id: int
    second_id: int
    reasons: list[str] = field(default_factory=list)
    similarity: float = 0.0

    @property
    def score(self) -> int:
        """0-100: the strongest reason, plus a bonus for every further one."""
        return pair_score(self.reasons, self.similarity)


def pair_score(reasons: Sequence[str], similarity: float = 0.0) -> int:
    """The score of a pair found for these reasons (``similar_name`` scaled by similarity)."""
    if not reasons:
        return 0
    scores = []
    for reason in reasons:
        score = REASON_SCORES[reason]
        if reason == "similar_name":
            span = (similarity - NAME_SIMILARITY_THRESHOLD) / (1 - NAME_SIMILARITY_THRESHOLD)
            score += round(20 * max(0.0, min(1.0, span)))
        scores.append(score)
    return min(100, max(scores) + EXTRA_REASON_BONUS * (len(scores) - 1))


class CandidateSet:
    """Pairs collected from several blockings, one Candidate per pair."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], Candidate] = {}

    def add(self, a: int, b: int, reason: str, similarity: float = 0.0) -> None:
        """Note that a and b look alike for this reason."""
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        candidate = self.pairs.get(key)
        if candidate is None:
            candidate = self.pairs[key] = Candidate(*key)
        if reason not in candidate.reasons:
            candidate.reasons.append(reason)
        candidate.similarity = max(candidate.similarity, similarity)

    def add_groups(self, rows: Iterable[tuple[str, int]], reason: str) -> None:
        """Pair every two parties sharing a key (e-mail, phone, domain), small groups only."""
        for ids in group(rows).values():
            if len(ids) <= MAX_BLOCK:
                for a, b in combinations(sorted(ids), 2):
                    self.add(a, b, reason)

    def add_similar_names(self, rows: Iterable[tuple[str, int, str]]) -> None:
        """Compare names within each block: ``(block key, id, normalised name)`` rows."""
        blocks: dict[str, list[tuple[int, str]]] = {}
        for key, party_id, name in rows:
            if key and name:
                blocks.setdefault(key, []).append((party_id, name))
        for members in blocks.values():
            if len(members) > MAX_BLOCK * 4:  # a very common name: compare neighbours only
                members.sort(key=lambda member: member[1])
                pairs: Iterable[tuple[tuple[int, str], tuple[int, str]]] = pairwise(members)
            else:
                pairs = combinations(members, 2)
            for (a, name_a), (b, name_b) in pairs:
                if name_a == name_b:
                    self.add(a, b, "same_name", 1.0)
                    continue
                similarity = name_similarity(name_a, name_b)
                if similarity >= NAME_SIMILARITY_THRESHOLD:
                    self.add(a, b, "similar_name", similarity)

    def ranked(self) -> list[Candidate]:
        """The candidates, best first."""
        return sorted(self.pairs.values(), key=lambda c: (-c.score, c.first_id, c.second_id))


def group(rows: Iterable[tuple[str, int]]) -> dict[str, set[int]]:
    """Party ids by key, dropping empty keys."""
    groups: dict[str, set[int]] = {}
    for key, party_id in rows:
        if key:
            groups.setdefault(key, set()).add(party_id)
    return groups
