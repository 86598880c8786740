"""The splitter's promises: exact offsets, nothing lost, quotations kept whole."""

from hypothesis import given
from hypothesis import strategies as st

from index.documents import bundled_document
from index.passages import make_passages, paragraph_spans, sentence_spans

TEXTS = st.text(alphabet=st.sampled_from(list("ab .!?\n“”\"'\u00a0\tXY")), max_size=400)


@given(TEXTS, st.integers(min_value=5, max_value=60))
def test_offsets_reproduce_the_text_and_cover_every_character(text: str, limit: int) -> None:
    passages = make_passages("s", "h", text, limit=limit)
    covered = set()
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.end - passage.start <= limit
        covered.update(range(passage.start, passage.end))
    assert all(i in covered or text[i].isspace() for i in range(len(text)))


def test_same_text_gives_same_ids() -> None:
    document = bundled_document()
    first = make_passages(document.source, document.sha256, document.text)
    second = make_passages(document.source, document.sha256, document.text)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)


def test_article_keeps_its_curly_quotes_and_non_breaking_spaces() -> None:
    document = bundled_document()
    passages = make_passages(document.source, document.sha256, document.text)
    assert any("\u00a0" in p.text for p in passages)
    assert any("“" in p.text for p in passages)
    assert len(paragraph_spans(document.text)) == len(passages) == 13


def test_a_quotation_of_two_sentences_is_one_sentence() -> None:
    text = "Bayraktar continued, “As I imagine, we agree.… Turkey is supporting Ukraine.” Then he left."
    spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == [text[: text.index(" Then")], "Then he left."]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Smith went to the U.S. Army base. It was late."
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == [
        "Dr. Smith went to the U.S. Army base.",
        "It was late.",
    ]
