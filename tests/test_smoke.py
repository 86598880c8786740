from bot.core import Citebot


def test_bundled_article_answers_with_an_exact_citation(bot: Citebot) -> None:
    answer = bot.ask("What is Baykar?")
    document = bot.store.document(answer.citations[0].source)
    assert not answer.abstained
    assert document.text[answer.citations[0].start : answer.citations[0].end] == answer.citations[0].text
    assert "drone manufacturer" in answer.citations[0].text
