"""The citation check reads what the cited passages say: negation, names, numbers, roles, syntheses, hedges."""

from __future__ import annotations

from bot.llm.alignment import consistent
from bot.llm.grounding import Checked, check
from bot.llm.roles import swapped
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


NOTES = Document(
    "notes",
    "Notes",
    "Ada Lovelace\n\n"
    "Ada Lovelace was an English mathematician. She worked with Charles Babbage on the Analytical Engine. "
    "In 1843 she published the first algorithm intended for such a machine. Her notes included two tables "
    "of Bernoulli numbers. She refused to take credit for the engine itself. Mary Somerville introduced her to "
    "Babbage in 1833, and she published the notes in 1843. In 1840 she was taught by her tutor Augustus De "
    "Morgan, who also arranged for her to visit Cambridge. Lovelace wrote, “My father said, ‘Poetry matters,’ "
    "and I agreed.” “The engine weaves algebraic patterns,” she wrote.\n\n"
    "## Class: `Engine`\n\n"
    "This object is created by `build()` and can be passed to `stop()` to halt it.",
)
NOTE_PASSAGES = make_passages(NOTES.source, NOTES.sha256, NOTES.text)


def kept(reply: str, *words: str) -> bool:
    """Whether the check keeps every sentence of the reply, citing the passages holding the words."""
    given = [next(p for p in NOTE_PASSAGES if w in p.text) for w in words]
    checked = check(reply, given, lambda source: NOTES)
    return checked.rejected_sentences == 0 and checked.kept_sentences > 0


def test_a_source_pronoun_stands_for_the_name_said_before_it() -> None:
    assert kept("Ada Lovelace published the first algorithm for such a machine in 1843 [1].", "In 1843")
    assert not kept("Mary Somerville published the first algorithm for such a machine in 1843 [1].", "In 1843")


def test_one_is_a_number_but_not_in_one_of() -> None:
    assert not kept("Her notes included one table of Bernoulli numbers [1].", "two tables")
    assert kept("One of her notes' tables was of Bernoulli numbers [1].", "two tables")


def test_a_number_swapped_for_another_of_the_same_sentence_is_dropped() -> None:
    assert not kept("Mary Somerville introduced her to Babbage in 1843 [1].", "introduced her")
    assert kept("Mary Somerville introduced her to Babbage in 1833 [1].", "introduced her")


def test_according_to_the_text_wraps_a_claim() -> None:
    assert kept("According to the text, Lovelace published the first algorithm for such a machine [1].", "In 1843")
    assert not kept("According to Reuters, Lovelace published the first algorithm for such a machine [1].", "In 1843")


def test_a_name_opening_the_sentence_must_be_in_the_source() -> None:
    assert not kept("Somerville worked with Charles Babbage on the Analytical Engine [1].", "Analytical Engine")


def test_a_name_in_backticks_is_a_name_and_a_heading_names_this_object() -> None:
    assert kept("The `Engine` object is created by build() and can be passed to stop() [1].", "This object")
    assert not kept("The `Motor` object is created by build() and can be passed to stop() [1].", "This object")


def test_a_refusal_is_a_negation() -> None:
    assert not kept("She took credit for the engine itself [1].", "refused")
    assert kept("She declined to take credit for the engine itself [1].", "refused")


def test_a_nested_quotation_may_drop_its_inner_punctuation() -> None:
    assert kept("Lovelace wrote, “My father said, ‘Poetry matters’ and I agreed” [1].", "Poetry")


def test_an_object_pronoun_is_acted_on() -> None:
    source = ["In 1830 he was supported by his tutor Augustus De Morgan", "who arranged for him to visit Cambridge"]
    assert not swapped(["Augustus De Morgan arranged for Babbage to visit Cambridge"], source)


def test_a_name_stands_for_a_source_pronoun_only_where_the_claim_resolves_it() -> None:
    assert not kept("In 1843 she published the first algorithm for such a machine with Charles Babbage [1].", "In 1843")


def test_a_quotation_given_to_she_is_attributed_to_the_name_before_it() -> None:
    assert kept("Lovelace wrote, “The engine weaves algebraic patterns” [1].", "algebraic patterns")
    assert not kept("Babbage wrote, “The engine weaves algebraic patterns” [1].", "algebraic patterns")
