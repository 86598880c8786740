"""Who said what, and the exact-span check."""

import pytest

from bot.answering.citations import Citation, CitationMismatch, attributed_quotes, full_name, verify
from index.documents import bundled_document
from index.passages import paragraph_spans


def speakers_by_quote() -> dict[str, str | None]:
    text = bundled_document().text
    found = {}
    for paragraph in paragraph_spans(text):
        for quote in attributed_quotes(text, paragraph):
            found[text[quote.start : quote.start + 25]] = quote.speaker
    return found


def test_article_quotations_are_attributed_to_their_speakers() -> None:
    speakers = speakers_by_quote()
    assert speakers["Putin says, ‘Let’s work t"] == "Erdogan"
    assert speakers["We have not delivered or "] == "Bayraktar"
    assert speakers["We are actually proud and"] == "Bayraktar"  # "… Ukraine saying, “…”": not Ukraine
    assert speakers["As I imagine, Turkey and "] == "Bayraktar"
    assert speakers["will not accept payment f"] == "Baykar"
    assert speakers["We ask that raised funds "] != "Bayraktar"


def test_full_name_prefers_the_person_over_the_drone() -> None:
    assert full_name(bundled_document().text, "Bayraktar") == "Haluk Bayraktar"


def test_verify_rejects_a_quote_that_is_not_its_span() -> None:
    document = bundled_document()
    good = Citation(1, document.source, document.title, 0, 5, document.text[:5], document.sha256, 1)
    assert verify(good, document) is good
    with pytest.raises(CitationMismatch):
        verify(Citation(1, document.source, document.title, 0, 5, "Putin", "other-version", 1), document)
    with pytest.raises(CitationMismatch):
        verify(
            Citation(1, document.source, document.title, 1, 6, document.text[:5], document.sha256, 1),
            document,
        )
