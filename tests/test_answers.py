"""The extractive answerer on the bundled article: right sentences, exact spans, honest abstentions."""

from pathlib import Path

import pytest

from bot.answering.conversation import Conversation
from bot.core import Citebot
from bot.evaluation.evaluate import load_questions, run
from index.documents import Document, bundled_document
from tests.helpers import DEV_QA

OWN_QA = Path(__file__).parent / "qa" / "article_qa.jsonl"


def rates(results: list[dict]) -> dict[str, float]:
    answerable = [r for r in results if r["answerable"]]
    unanswerable = [r for r in results if not r["answerable"]]
    cited = sorted(r["cited_chars"] for r in results if not r["abstained"])
    return {
        "recall": sum(r["evidence_found"] for r in answerable) / len(answerable),
        "precision@1": sum(r["first_holds"] for r in answerable) / len(answerable),
        "abstention": sum(r["abstained"] for r in unanswerable) / len(unanswerable),
        "false_abstention": sum(r["abstained"] for r in answerable) / len(answerable),
        "median_cited": cited[len(cited) // 2],
    }


def test_dev_questions_meet_the_thresholds(bot: Citebot) -> None:
    measured = rates(run(bot, load_questions(DEV_QA)))
    assert measured["recall"] >= 0.95, measured
    assert measured["precision@1"] >= 0.85, measured
    assert measured["abstention"] >= 0.85, measured
    assert measured["false_abstention"] <= 0.05, measured
    assert measured["median_cited"] <= 400, measured


def test_our_own_questions_stay_close_to_the_thresholds(bot: Citebot) -> None:
    """Questions written without looking at the answerer's output, to catch tuning to the dev wording."""
    measured = rates(run(bot, load_questions(OWN_QA)))
    assert measured["recall"] >= 0.85, measured
    assert measured["abstention"] >= 0.85, measured
    assert measured["false_abstention"] <= 0.15, measured


def test_every_citation_is_its_span(bot: Citebot) -> None:
    for item in load_questions(DEV_QA) + load_questions(OWN_QA):
        for citation in bot.ask(item["question"]).citations:
            assert bot.store.document(citation.source).text[citation.start : citation.end] == citation.text


def test_what_someone_said_is_quoted_and_attributed(bot: Citebot) -> None:
    answer = bot.ask("What did Bayraktar say about Russia?")
    assert answer.text.startswith("Haluk Bayraktar told CNN: “We have not delivered")
    assert "Bayraktar told CNN" in answer.citations[0].text


def test_a_quote_by_someone_else_is_not_passed_off(bot: Citebot) -> None:
    answer = bot.ask("What did Bayraktar say about the raised funds?")
    assert "We ask that raised funds" not in answer.text


def test_people_the_article_does_not_quote_are_not_quoted(bot: Citebot) -> None:
    answer = bot.ask("What did Zelensky say about the drones?")
    assert answer.abstained and not answer.citations
    assert "Zelensky" in answer.text


def test_follow_up_uses_the_conversation(bot: Citebot) -> None:
    conversation = Conversation()
    bot.ask("Who is Baykar's CEO?", conversation)
    answer = bot.ask("What did he tell CNN?", conversation)
    assert "We have not delivered" in answer.citations[0].text
    assert len(conversation.turns) == 2


def test_quotes_mode_answers_with_the_sentences_alone(bot: Citebot) -> None:
    answer = bot.ask("What is Baykar?", quotes_only=True)
    assert answer.text == " ".join(citation.text for citation in answer.citations)
    assert "[1]" not in answer.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("How much does a TB2 cost?", "The article doesn't say"),
        ("What is the top speed of the TB2 drone?", "what the top speed of the TB2 drone is"),
    ],
)
def test_on_topic_questions_the_article_does_not_answer_are_declined(bot: Citebot, question: str, says: str) -> None:
    answer = bot.ask(question)
    assert answer.abstained and not answer.citations
    assert says in answer.text


def test_a_question_in_another_language_gets_an_answer_or_an_abstention(bot: Citebot) -> None:
    answer = bot.ask("¿Quién es el director ejecutivo de Baykar?")
    assert answer.abstained or answer.citations


def test_unrelated_documents_do_not_reorder_an_articles_sentences(bot: Citebot) -> None:
    """At 100k passages, Node.js pages saying "respond" changed which article sentence was cited first."""
    from index.documents import Document

    question = "How did Baykar respond to the Lithuanian crowdfunding campaign?"
    alone = bot.ask(question).citations[0].text
    servers = "\n\n".join(
        f"A {kind} server must respond to every request in the campaign, and respond quickly."
        for kind in ("HTTP", "HTTP/2", "QUIC", "FTP", "SMTP", "IMAP")
    )
    bot.store.add(Document("servers.md", "Servers", servers))
    answer = bot.ask(question)
    assert any(hit.passage.source == "servers.md" for hit in bot.retriever.search(question).hits)
    assert answer.citations[0].text == alone, answer.text
    assert "will not accept payment" in alone


def test_a_second_copy_of_a_document_is_no_second_piece_of_evidence(bot: Citebot) -> None:
    """The article added again from disk: its sentences are cited once, and their copies, ranked right below
    them, do not make the answer look doubtful (before, they halved the passages read and forced abstentions)."""
    question = "who posted the ceasefire tweet?"
    alone = bot.ask(question)
    bot.add_document(Document("downloads/article.txt", "A copy", bundled_document().text))
    answer = bot.ask(question)
    assert not answer.abstained
    assert answer.citations[0].text == alone.citations[0].text
    assert len({citation.text for citation in answer.citations}) == len(answer.citations)
    assert answer.confidence == pytest.approx(alone.confidence, abs=0.05)
