"""Pure rules of duplicate finding, without a database."""

from __future__ import annotations

import pytest

from valuechain.crm.customers import dedupe_domain as d


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Müller-Lüdenscheidt", "mueller luedenscheidt"),
        ("  José   GARCÍA ", "jose garcia"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert d.fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme GmbH", "acme"),
        ("ACME Ltd.", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme & Co. KG", "acme"),
        ("GmbH", "gmbh"),  # nothing but a legal form: keep it rather than nothing
    ],
)
def test_company_name(raw: str, expected: str) -> None:
    assert d.company_name(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("http://acme.com:8080", "acme.com"),
        ("acme.com", "acme.com"),
        ("", ""),
    ],
)
def test_website_domain(url: str, expected: str) -> None:
    assert d.website_domain(url) == expected


@pytest.mark.parametrize(
    ("word", "code"),
    [("Robert", "r163"), ("Rupert", "r163"), ("Ashcraft", "a261"), ("Tymczak", "t522"), ("", "")],
)
def test_soundex(word: str, code: str) -> None:
    assert d.soundex(word) == code


def test_jaro_winkler_known_values() -> None:
    assert d.jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert d.jaro_winkler("dwayne", "duane") == pytest.approx(0.84, abs=1e-4)
    assert d.jaro_winkler("abc", "abc") == 1.0
    assert d.jaro_winkler("abc", "") == 0.0
    assert d.jaro_winkler("abc", "xyz") == 0.0


def test_name_similarity_ignores_word_order() -> None:
    assert d.name_similarity("ada lovelace", "lovelace ada") == 1.0


def test_blocks_group_spelling_variants() -> None:
    assert d.person_block("Jon", "Smith") == d.person_block("John", "Smyth") == "s530:j"
    assert d.company_block("Acme GmbH") == d.company_block("ACME Inc") == "a250"


def test_pair_score() -> None:
    assert d.pair_score([]) == 0
    assert d.pair_score(["same_email"]) == 95
    assert d.pair_score(["same_email", "same_phone", "same_name"]) == 100
    assert d.pair_score(["similar_name"], 0.9) == 60
    assert d.pair_score(["similar_name"], 0.95) == 70
    assert d.pair_score(["same_phone", "similar_name"], 1.0) == 95


def test_candidate_set_groups_and_names() -> None:
    found = d.CandidateSet()
    found.add_groups([("a@x", 3), ("a@x", 1), ("b@x", 2), ("", 4), ("", 5)], "same_email")
    found.add_similar_names(
        [
            ("s530:j", 1, "john smith"),
            ("s530:j", 2, "jon smith"),
            ("s530:j", 3, "john smith"),
            ("x000:z", 9, "zed"),
        ]
    )
    assert [(c.first_id, c.second_id, c.reasons, c.score) for c in found.ranked()] == [
        (1, 3, ["same_email", "same_name"], 100),
        (1, 2, ["similar_name"], 75),
        (2, 3, ["similar_name"], 75),
    ]


def test_large_groups_say_little() -> None:
    found = d.CandidateSet()
    found.add_groups([("info@x", i) for i in range(d.MAX_BLOCK + 1)], "same_email")
    assert found.ranked() == []


def test_huge_name_block_compares_neighbours_only() -> None:
    found = d.CandidateSet()
    rows = [("m460:a", i, f"anna mueller {i:04d}") for i in range(d.MAX_BLOCK * 4 + 1)]
    found.add_similar_names(rows)
    assert all(c.second_id - c.first_id == 1 for c in found.ranked())
