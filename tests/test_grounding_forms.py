"""The citation check on the forms a faithful sentence takes (acronyms, fuller names, ordinals, year ranges,
a synthesis's opening fragment, hedges of absence) and on a name it must keep: examples written for these
tests, on short texts of their own."""

from __future__ import annotations

import pytest

from bot.llm.grounding import Checked, check
from bot.llm.lexicon import opposed
from index.documents import Document
from index.passages import make_passages

SINGER = Document(
    "singer.txt",
    "Singer",
    "Singer\n\n"
    "Her debut album established her as a solo artist and earned five Grammy Awards. She starred in "
    "Dreamgirls (2006) and in The Pink Panther (2006).\n\n"
    "The Recording Industry Association of America recognized her as the Top Certified Artist in America "
    "during the 2000s decade. Billboard named her their Artist of the Millennium in 2011. Her fifth studio "
    "album came out in 2013.",
)
COMPOSER = Document(
    "composer.txt",
    "Composer",
    "Composer\n\n"
    "Born in 1810, Frédéric Chopin grew up in Warsaw. He studied at the Warsaw Conservatory (1826–29). In "
    "1831, Chopin moved to Paris, where he taught piano. The Nocturne in C minor is the twenty-fourth piece "
    "of the set.",
)
MUSEUM = Document(
    "museum.txt",
    "Museum",
    "Museum\n\n"
    "The Harbour Museum won three design awards in 2019. Its early exhibitions were popular with visitors, and "
    "the most visited room holds the public collection of ship models. The museum bought a lighthouse lens in "
    "2004 and sold the old ferry in 2010. Its large hall began closing at dusk.",
)
DOCUMENTS = {document.source: document for document in (SINGER, COMPOSER, MUSEUM)}


def run(reply: str, document: Document, *words: str) -> Checked:
    passages = make_passages(document.source, document.sha256, document.text)
    return check(reply, [next(p for p in passages if w in p.text) for w in words], DOCUMENTS.__getitem__)


def kept(checked: Checked) -> bool:
    return checked.kept_sentences > 0 and checked.rejected_sentences == 0


def test_a_name_must_be_a_name_in_the_source_not_a_common_word_there() -> None:
    swapped = "Her debut album established her as a solo artist and earned five Artist awards [1]."
    assert not kept(run(swapped, SINGER, "debut album"))
    assert kept(
        run(
            "Her debut album established her as a solo artist and earned five Grammy Awards [1].", SINGER, "debut album"
        )
    )


def test_an_acronym_stands_for_the_initials_of_a_name_in_the_source() -> None:
    claim = "The {} recognized her as the Top Certified Artist in America during the 2000s decade [1]."
    assert kept(run(claim.format("RIAA"), SINGER, "Recording Industry"))
    assert not kept(run(claim.format("FBI"), SINGER, "Recording Industry"))


def test_a_fuller_name_the_passage_writes_out_stands_for_its_short_form() -> None:
    assert kept(run("In 1831, Frédéric Chopin moved to Paris [1].", COMPOSER, "Warsaw"))
    assert not kept(run("In 1831, Robert Chopin moved to Paris [1].", COMPOSER, "Warsaw"))


def test_ordinals_and_compound_number_words_are_numbers() -> None:
    assert kept(run("The Nocturne in C minor is the 24th piece of the set [1].", COMPOSER, "Nocturne"))
    assert not kept(run("The Nocturne in C minor is the 23rd piece of the set [1].", COMPOSER, "Nocturne"))
    assert kept(run("Her 5th studio album came out in 2013 [1].", SINGER, "fifth studio"))


def test_a_year_range_states_its_second_year_in_full() -> None:
    assert kept(run("He studied at the Warsaw Conservatory from 1826 to 1829 [1].", COMPOSER, "Warsaw"))
    assert not kept(run("He studied at the Warsaw Conservatory from 1826 to 1830 [1].", COMPOSER, "Warsaw"))


def test_an_opening_fragment_of_a_synthesis_is_read_against_its_own_passage() -> None:
    reply = "After starring in Dreamgirls [1], she was named Billboard's Artist of the Millennium in 2011 [2]."
    assert kept(run(reply, SINGER, "Dreamgirls", "Billboard"))
    wrong = "After starring in Dreamgirls [1], she was named Billboard's Artist of the Millennium in 2012 [2]."
    assert not kept(run(wrong, SINGER, "Dreamgirls", "Billboard"))


def test_hedges_of_absence_in_other_forms_claim_nothing_about_what_is_absent() -> None:
    hedges = [
        "The passages don't mention her tours, though they say she starred in Dreamgirls (2006) [1].",
        "It is not stated whether she sang in it, but she starred in Dreamgirls (2006) [1].",
        "There is no mention of her tours in the passages, but she starred in Dreamgirls (2006) [1].",
    ]
    for reply in hedges:
        assert kept(run(reply, SINGER, "Dreamgirls")), reply
    assert not kept(
        run("It is not stated whether she sang in it, but she starred in Dreamgirls (2009) [1].", SINGER, "Dreamgirls")
    )


@pytest.mark.parametrize(
    "reply",
    [
        "The Harbour Museum lost three design awards in 2019 [1].",
        "Its early exhibitions were unpopular with visitors [1].",
        "The least visited room holds the public collection of ship models [1].",
        "The most visited room holds the private collection of ship models [1].",
        "The museum sold a lighthouse lens in 2004 [1].",
    ],
)
def test_a_word_put_for_its_opposite_is_rejected(reply: str) -> None:
    assert not kept(run(reply, MUSEUM, "Harbour"))


@pytest.mark.parametrize(
    "reply",
    [
        "The Harbour Museum won three design awards in 2019 [1].",
        "Its early exhibitions were not unpopular with visitors [1].",  # two flips say what the source says
        "The museum purchased a lighthouse lens in 2004 [1].",
        "The big hall started closing [1].",  # two words of four reworded: "big" is large, "started" began
    ],
)
def test_the_same_meaning_in_other_words_is_kept(reply: str) -> None:
    assert kept(run(reply, MUSEUM, "Harbour"))


def test_opposites_are_read_in_their_written_forms() -> None:
    assert opposed("She lost the final", "She won the final") == 1
    assert opposed("the worst result", "the best result") == 1
    assert opposed("an older sister", "a younger sister") == 1
    assert opposed("she won and lost", "she won") == 0  # the source's own word is there too
