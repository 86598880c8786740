"""The citation check reads what the cited passages say: negation, names, numbers, roles, syntheses, hedges."""

from __future__ import annotations

from bot.alignment import consistent
from bot.check import Checked, check
from bot.roles import swapped
from index.documents import Document, bundled_document
from index.passages import Passage, make_passages

ARTICLE = bundled_document()
PASSAGES = make_passages(ARTICLE.source, ARTICLE.sha256, ARTICLE.text)


def documents(source: str) -> Document:
    return ARTICLE


def passage_with(words: str) -> Passage:
    return next(p for p in PASSAGES if words in p.text)


def run(reply: str, *words: str) -> Checked:
    return check(reply, [passage_with(w) for w in words], documents)


def test_a_flipped_negation_is_dropped() -> None:
    assert run("Baykar has never supplied unmanned aerial drones to Ukraine [1].", "drone manufacturer").citations == ()
    assert run("The company does plan to provide weapons to Russia [1].", "does not plan").citations == ()


def test_a_name_from_elsewhere_in_the_document_is_not_in_the_cited_passage() -> None:
    checked = run("In June, Reuters reported that a group in Turkey started a crowdfunding campaign [1].", "In June")
    assert checked.citations == () and checked.rejected_sentences == 1


def test_a_number_swapped_is_dropped() -> None:
    assert run("Baykar said it will send five UAVs free of charge to the front [1].", "In June").citations == ()


def test_reversed_roles_with_the_same_words_are_dropped() -> None:
    reply = "Baykar has supplied unmanned aerial drones to Russia amid the country's war with Ukraine [1]."
    assert run(reply, "drone manufacturer").citations == ()


def test_a_sentence_drawing_on_two_cited_passages_is_kept() -> None:
    reply = "Putin asked Erdogan about a Baykar drone factory in Russia [1], though Baykar supplies Ukraine [2]."
    checked = run(reply, "approached him", "drone manufacturer")
    assert checked.kept_sentences == 1 and len(checked.citations) == 2


def test_a_hedge_stating_an_absence_is_kept() -> None:
    reply = "The passages do not say whether Erdogan answered, but Putin approached him about a Baykar factory [1]."
    assert run(reply, "approached him").kept_sentences == 1


def test_according_to_x_y_said_is_attributed_to_y() -> None:
    reply = "According to CNN Turk, Erdogan said, “Putin says, ‘Let’s work together with Baykar” [1]."
    assert run(reply, "work together").kept_sentences == 1


def test_he_said_with_a_quotation_is_not_attributed_to_the_next_name() -> None:
    reply = "He said Turkey is “supporting Ukraine with this armed drone technology” [1]."
    assert run(reply, "Bayraktar continued").kept_sentences == 1


def test_a_subject_swapped_with_a_prepositions_object_is_dropped() -> None:
    reply = "In June, Lithuania reported that a group in Reuters started a crowdfunding campaign [1]."
    assert run(reply, "In June").citations == ()


def test_a_passive_keeps_its_agent() -> None:
    assert not swapped(["Schumann admired Chopin"], ["Chopin was admired by Schumann"])
    assert swapped(["Chopin admired Schumann"], ["Chopin was admired by Schumann"])


def test_a_number_in_brackets_must_be_in_the_cited_sentence() -> None:
    source = "The plant opened in 2008. It will send three UAVs to the front in 2011."
    assert not consistent("It will send three UAVs to the front (2008).", [source])
    assert consistent("It will send three UAVs to the front (2011).", [source])
