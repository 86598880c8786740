"""Reading the question: whom it asks about (in any case, or by role), its parts, and the detail it wants."""

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from bot.answering.answer import Answer, abstention
from bot.answering.conversation import Conversation, Turn, on_topic, resolve_references, with_names
from bot.answering.question import HOLDS, answer_type, gives, unframed
from bot.answering.speakers import NOBODY, asked_speaker, held_terms, role_holder
from bot.cli.app import cli
from bot.core import Citebot
from index.documents import Document
from tests.helpers import bot_over

ARTICLE = (
    "The report comes after the CEO of Baykar, Haluk Bayraktar spoke with CNN. "
    "Turkish President Recep Tayyip Erdogan said that Putin approached him."
)


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("what did bayraktar tell reporters?", "Bayraktar"),
        ("What did the CEO say about it?", "Haluk Bayraktar"),
        ("what did the company's boss say?", "Haluk Bayraktar"),
        ("What did Turkey's president say about Putin?", "Recep Tayyip Erdogan"),
        ("what did the turkish leader claim?", "Recep Tayyip Erdogan"),
        ("according to bayraktar, who did he speak with?", "Bayraktar"),
        ("what did its ceo say?", "Haluk Bayraktar"),
        ("who spoke with cnn, according to the report?", None),
        ("what does the spec say about tools?", None),
        ("what did they say?", None),
    ],
)
def test_the_asked_speaker_is_found_by_name_in_any_case_or_by_role(question: str, person: str | None) -> None:
    assert asked_speaker(question, [ARTICLE]) == person


def test_a_boss_is_whoever_leads_the_body_by_its_own_title(make_bot: Callable[..., Citebot]) -> None:
    """A union's boss is its general secretary, a party's its leader."""
    text = (
        "Dock workers walked out on Monday. “We will not go back for less,” said the union's general secretary, "
        "Mirela Dobrev. The party leader, Jonas Vik, said the vote on the harbour budget was fair."
    )
    bot, scope = bot_over(make_bot, "strike.md", text)
    union = bot.ask("what did the union boss say?", sources=scope)
    party = bot.ask("what did the party's boss say about the vote?", sources=scope)
    assert not union.abstained and "We will not go back" in union.citations[0].text, union.text
    assert not party.abstained and "Jonas Vik" in party.citations[0].text, party.text


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("what did bayraktar say about russia?", "We have not delivered"),
        ("What did the company's boss tell CNN about Russia?", "We have not delivered"),
        ("what did turkey's president say putin asked for?", "work together with Baykar"),
    ],
)
def test_speakers_named_in_lowercase_or_by_role_are_quoted(bot: Citebot, question: str, quoted: str) -> None:
    answer = bot.ask(question)
    assert not answer.abstained and quoted in answer.citations[0].text, answer.text


def test_what_someone_said_without_a_topic_quotes_them(bot: Citebot) -> None:
    answer = bot.ask("What did Bayraktar say?")
    assert not answer.abstained, answer.text
    assert "Bayraktar" in answer.text and "“" in answer.text


def test_a_two_part_question_cites_a_sentence_for_each_part(bot: Citebot) -> None:
    answer = bot.ask("Who is the CEO of Baykar and what did he say about Ukraine's sovereignty?")
    cited = " ".join(citation.text for citation in answer.citations)
    assert "the CEO of Baykar, Haluk Bayraktar" in cited and "support its sovereignty" in cited, answer.text


def test_a_why_question_is_answered_without_the_word_because(bot: Citebot) -> None:
    answer = bot.ask("Why did Erdogan's office post a tweet?")
    assert not answer.abstained and "cease-fire" in answer.citations[0].text, answer.text


def test_which_day_needs_a_day_not_just_the_topic(bot: Citebot) -> None:
    answer = bot.ask("On which day did Bayraktar speak with CNN?")
    assert answer.abstained, answer.text


def test_json_carries_the_confidence_and_the_threshold_can_be_overridden() -> None:
    def ask(*options: str) -> dict:
        result = CliRunner().invoke(cli, ["ask", "--json", *options, "What is Baykar?"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    default, strict = ask(), ask("--min-confidence", "1")
    assert not default["abstained"] and 0 < default["confidence"] <= 1
    assert strict["abstained"] and strict["confidence"] == default["confidence"]


def test_an_answer_without_a_confidence_model_says_so_rather_than_zero() -> None:
    llm_answer = Answer("What is Baykar?", "A drone maker [1]", False, answerer="llm")
    assert llm_answer.to_json()["confidence"] is None


MANUAL = (
    "Limits\n\n"
    "The default retry count is 3, and the maximum is 10. "
    "Each retry waits twice as long as the one before it.\n\n"
    "Cleanup\n\n"
    "The cache is cleared when the server restarts, and its maximum size is 2 GB. "
    "Entries older than a week are removed by the nightly job."
)


@pytest.fixture
def manual_bot(make_bot: Callable[..., Citebot]) -> Citebot:
    return bot_over(make_bot, "manual.md", MANUAL)[0]


@pytest.mark.parametrize("follow_up", ["and the maximum?", "what about the maximum?"])
def test_a_follow_up_naming_only_what_changes_keeps_the_last_topic(follow_up: str) -> None:
    conversation = Conversation()
    conversation.add("what is the default retry count?", "The default retry count is 3.")
    standalone = resolve_references(follow_up, conversation)
    assert "maximum" in standalone and "retry count" in standalone, standalone


def test_a_follow_up_without_a_pronoun_is_answered_on_the_last_topic(manual_bot: Citebot) -> None:
    conversation = Conversation()
    manual_bot.ask("what's the default retry count?", conversation)
    answer = manual_bot.ask("and the maximum?", conversation, sources=frozenset({"manual.md"}))
    assert not answer.abstained and "the maximum is 10" in answer.citations[0].text, answer.text


def test_a_pronoun_the_last_turn_names_nobody_for_keeps_the_last_topic() -> None:
    """Typed in lowercase, the last question names no one to put for "it": the follow-up is asked on its topic."""
    conversation = Conversation()
    conversation.add("what did the harbour council decide in may?", "It decided to close the old pier.")
    standalone = resolve_references("why did it do that?", conversation)
    assert "harbour council decide in may" in standalone, standalone


def test_a_refusal_that_restates_the_question_names_nothing_to_put_for_they() -> None:
    """A refusal quotes the question, its first word capitalised ("“Where are they based ...”"): "Where" is no
    name, so the next "they" keeps the last topic instead of becoming "Where"."""
    conversation = Conversation()
    asked = "Where are they based (who runs the ferry)?"  # as the follow-up was read
    conversation.add("where are they based", abstention(asked, "The document").text)
    standalone = resolve_references("have they sold the ferry?", conversation)
    assert "where" not in standalone.split("(")[0].lower() and "(where are they based)" in standalone, standalone


def test_and_about_another_topic_asks_the_last_question_about_it(make_bot: Callable[..., Citebot]) -> None:
    """ "and about Y?" after "what did she say about Z?" asks what she said about Y, not about Z."""
    institute = (
        "The river institute is directed by Dr Mara Quell. "
        "“The dykes held through the spring floods,” Quell told reporters in April. "
        "“Our budget must double next year if we are to finish the new gauges,” Quell said at the council meeting."
    )
    (bot, scope), conversation = bot_over(make_bot, "institute.md", institute), Conversation()
    bot.ask("who directs the river institute?", conversation, sources=scope)
    floods = bot.ask("what did she say about the floods?", conversation, sources=scope)
    assert floods.citations and "dykes held" in floods.citations[0].text, floods.text
    for follow_up in ("and about the budget?", "what about the budget?"):
        turns = Conversation(list(conversation.turns))
        budget = bot.ask(follow_up, turns, sources=scope)
        assert budget.citations and "budget must double" in budget.citations[0].text, (follow_up, budget.text)


ORVANE = (
    "Orvane is a bicycle maker based in Ghent. "
    "The chief executive of Orvane, Lise Marchal, said the company would open a second factory. "
    "The plant was praised by French President Anne Marie Colbert, who visited Orvane in May."
)


def test_it_and_they_stand_for_a_thing_never_a_role_or_a_person() -> None:
    conversation = Conversation()
    conversation.add("who is the ceo of orvane", "The CEO of Orvane, Lise Marchal, said ... [1]")
    assert resolve_references("where are they based?", conversation) == "Where are Orvane based?"
    conversation.add("which company did colbert visit", ORVANE.split(". ")[2] + " [1]")  # names Colbert first
    assert resolve_references("where is it based?", conversation) == "Where is Orvane based?"


def test_he_or_she_after_a_question_for_a_role_is_the_holder_of_the_role() -> None:
    """The answer writes "French President Anne Marie Colbert": "she" is Anne Marie Colbert, not the title."""
    conversation = Conversation()
    conversation.add("who is the french president", ORVANE.split(". ")[2] + " [1]")
    assert resolve_references("when did she visit?", conversation) == "When did Anne Marie Colbert visit?"


def test_a_pronoun_keeps_its_referent_over_several_follow_ups(make_bot: Callable[..., Citebot]) -> None:
    (bot, scope), conversation = bot_over(make_bot, "orvane.md", ORVANE), Conversation()
    bot.ask("who is the ceo of orvane?", conversation, sources=scope)
    where = bot.ask("where are they based?", conversation, sources=scope)
    assert where.citations and "based in Ghent" in where.citations[0].text, where.text
    assert "Orvane" in resolve_references("what do they make?", conversation)  # the turn before named it


def test_what_did_x_say_is_answered_by_their_reported_words_when_they_are_not_quoted(
    make_bot: Callable[..., Citebot],
) -> None:
    parks = (
        "The parks committee met on Friday. "
        "Councillor Priya Natt, who leads the committee, said the budget for new trees would double next year. "
        "Residents asked for more benches."
    )
    bot, scope = bot_over(make_bot, "parks.md", parks)
    answer = bot.ask("what did natt say?", sources=scope)
    assert answer.citations and "budget for new trees" in answer.citations[0].text, answer.text


def test_a_sentence_answering_both_parts_of_a_question_is_cited_once(make_bot: Callable[..., Citebot]) -> None:
    town = "The bridge closed in March. Mayor Ilse Brandt said the bridge would reopen in the spring."
    bot, scope = bot_over(make_bot, "town.md", town)
    answer = bot.ask("who is the mayor and what did she say?", sources=scope)
    spans = [(c.start, c.end) for c in answer.citations]
    assert spans and len(spans) == len(set(spans)), answer.text


FERRIES = (
    "Island ferries\n\n"
    "The ferry to Inishmore leaves Rossaveal at 10:30 every morning in summer. "
    "A second boat sails at 18:00 on Fridays.\n\n"
    "The Aran Islands have been settled since prehistoric times, and Irish is spoken there every day. "
    "Dun Aonghasa, a stone fort on a cliff edge, draws most visitors."
)


def test_a_follow_up_with_neither_pronoun_nor_topic_is_answered_on_the_last_topic(
    make_bot: Callable[..., Citebot],
) -> None:
    bot, scope = bot_over(make_bot, "ferries.md", FERRIES)
    assert bot.ask("what language is spoken?", sources=scope).abstained  # alone, it does not say where
    conversation = Conversation()
    bot.ask("what draws visitors to the aran islands?", conversation, sources=scope)
    answer = bot.ask("what language is spoken?", conversation, sources=scope)
    assert not answer.abstained and "Irish is spoken" in answer.citations[0].text, answer.text


COUNCIL = (
    "Mayor Ines Arlott told the harbour council: “The ferry will run all winter.” "
    "She spoke at the council's meeting on 3 March 2024, after the storm had closed the pier."
)


def council_bot(make_bot: Callable[..., Citebot], *more: str) -> Citebot:
    return bot_over(make_bot, "council.md", "\n\n".join([COUNCIL, *more]))[0]


def test_a_follow_up_to_a_speaker_question_asks_for_no_ones_words(make_bot: Callable[..., Citebot]) -> None:
    """ "when was that?" after "what did X tell Y?" keeps the topic, not the speaker question inside it."""
    bot, scope, conversation = council_bot(make_bot), frozenset({"council.md"}), Conversation()
    first = bot.ask("what did arlott tell the council?", conversation, sources=scope)
    assert "The ferry will run all winter" in first.text
    last = conversation.last()
    assert last and asked_speaker(on_topic("when was that?", last)) is None  # as the core asks it again
    answer = bot.ask("when was that?", conversation, sources=scope)
    assert any("3 March 2024" in citation.text for citation in answer.citations), answer.text


@pytest.mark.parametrize(
    "question", ["what did arlott think of the car park?", "how did arlott describe the car park?"]
)
def test_what_someone_thought_of_a_topic_none_of_their_quotations_is_on_is_answered_about_them(
    make_bot: Callable[..., Citebot], question: str
) -> None:
    bot = council_bot(
        make_bot, "Arlott opposed the plan for a car park on the quay, calling it “a waste of the harbour.”"
    )
    scope = frozenset({"council.md"})
    answer = bot.ask(question, sources=scope)
    assert answer.citations and "opposed the plan for a car park" in answer.citations[0].text, answer.text
    assert bot.ask("what did mayor dunne say about the car park?", sources=scope).abstained  # no one of that name


def test_what_someone_wrote_but_is_never_quoted_saying_is_answered_by_the_sentence_about_it(
    make_bot: Callable[..., Citebot],
) -> None:
    """ "what did X's office tweet?": the documents quote no one by that name, but tell what the office posted."""
    bot = council_bot(make_bot, "In May, Arlott’s office posted a tweet asking visitors to book the ferry ahead.")
    scope = frozenset({"council.md"})
    answer = bot.ask("what did arlott's office tweet?", sources=scope)
    assert answer.citations and "asking visitors to book" in answer.citations[0].text, answer.text
    assert bot.ask("what did dunne's office tweet?", sources=scope).abstained


def test_a_name_inside_another_name_is_not_the_person_asked_about(make_bot: Callable[..., Citebot]) -> None:
    """ "the Arlott Trophy" is a cup, not Arlott: the sentence about it is not what she thought of the regatta."""
    bot = council_bot(make_bot, "This summer the Arlott Trophy went to the sailing club that won the regatta.")
    assert bot.ask("what did arlott think about the regatta?", sources=frozenset({"council.md"})).abstained


@pytest.mark.parametrize(
    "question",
    ["what did the turkish president say about the invasion?", "what did turkey's president think of the war?"],
)
def test_sentences_about_someone_asked_for_by_role_are_looked_for_by_their_name(bot: Citebot, question: str) -> None:
    """None of Erdogan's quotations is on the invasion; the sentence about him is found by "Erdogan", not by the
    role words, which rank the sentence giving him his title first."""
    answer = bot.ask(question)
    assert answer.citations and "calling the invasion" in answer.citations[0].text, answer.text


def test_when_asking_for_a_condition_is_not_refused_for_lack_of_a_date(manual_bot: Citebot) -> None:
    """No sentence of the manual holds a date: "when" must not filter them all out before the model judges."""
    question = "when is the cache cleared?"
    retrieval = manual_bot.retriever.search(question, sources=frozenset({"manual.md"}))
    decision = manual_bot.answerer.decisions(question, retrieval)[0]  # type: ignore[attr-defined]
    assert decision.ranked and "server restarts" in decision.ranked[0].text


def test_when_something_happened_needs_a_time_not_just_the_event(make_bot: Callable[..., Citebot]) -> None:
    """ "when did/was ..." asks for a time: the sentence telling the event without one does not answer it."""
    museum = (
        "The harbour museum opened a new wing for sailing ships. The wing was designed by Ana Ruiz. "
        "In 1998 the museum bought its first steam engine. Its boiler is being repaired, and visitors will see the "
        "engine run again within three weeks."
    )
    bot, scope = bot_over(make_bot, "museum.md", museum)
    answer = bot.ask("when did the museum open the new wing?", sources=scope)
    assert not any("opened a new wing" in citation.text for citation in answer.citations), answer.text
    answer = bot.ask("when did the museum buy a steam engine?", sources=scope)
    assert answer.citations and "In 1998" in answer.citations[0].text, answer.text
    answer = bot.ask("when will the engine run again?", sources=scope)  # a time from now is a time too
    assert answer.citations and "within three weeks" in answer.citations[0].text, answer.text
    visit = "The transport minister is expected to visit the museum next month."
    bot.add_document(Document("visit.md", "Visit", visit))
    answer = bot.ask("when will the minister visit the museum?", sources=frozenset({"visit.md"}))
    assert answer.citations and "next month" in answer.citations[0].text, answer.text


def test_where_in_a_named_place_needs_a_place_inside_it(make_bot: Callable[..., Citebot]) -> None:
    """ "where in Portugal ...?" is not answered by "in Portugal": the sentence must name a place within it."""
    bakeries = (
        "The Velora chain opened its first bakery in Portugal in 2019. "
        "Its second bakery opened in Porto, near the river, two years later."
    )
    bot, scope = bot_over(make_bot, "velora.md", bakeries)
    first = bot.ask("where in portugal did velora open its first bakery?", sources=scope)
    assert not any("first bakery in Portugal" in citation.text for citation in first.citations), first.text
    second = bot.ask("where in portugal is the second bakery?", sources=scope)
    assert second.citations and "in Porto" in second.citations[0].text, second.text


def test_a_name_of_letters_and_digits_is_one_word_of_the_question(make_bot: Callable[..., Citebot]) -> None:
    """ "libzq2" and "zqParse3" are names as typed: read as "libzq" or "zq" + "Parse", the question would ask
    for words no sentence has."""
    manual = (
        "Overview\n\nThe libzq2 library reads and writes Zq archives in constant memory.\n\n"
        "Tools\n\nThe zqParse3 tool checks an archive's index and prints every broken entry."
    )
    bot, scope = bot_over(make_bot, "libzq.md", manual)
    for question, answer in [("what is libzq2?", "reads and writes Zq archives"), ("what does zqparse3 do?", "checks")]:
        found = bot.ask(question, sources=scope)
        assert found.citations and answer in found.citations[0].text, (question, found.text)


def test_an_index_entry_with_dot_leaders_is_no_answer_and_a_repeated_sentence_is_cited_once(
    make_bot: Callable[..., Citebot],
) -> None:
    """A PDF manual's index ("zqParse3 program . . . . 7") names topics; it answers nothing. Its function
    reference repeats sentences word for word: citing the same words twice adds nothing."""
    manual = (
        "Tools\n\nThe zqParse3 program checks an archive's index and prints every broken entry.\n\n"
        "The zq_open function opens an archive. Its result is ZQ_OK on success, or an error code.\n\n"
        "The zq_close function closes an archive. Its result is ZQ_OK on success, or an error code.\n\n"
        "Index\n\nzqParse3 program . . . . . . . . . . . . . . . . . 7\nzq_open . . . . . . . . . . . . . . . . . 9"
    )
    bot, scope = bot_over(make_bot, "zq.pdf.txt", manual)
    answer = bot.ask("what does the zqparse3 program do?", sources=scope)
    assert answer.citations and all(". . ." not in c.text for c in answer.citations), answer.text
    returns = bot.ask("what is the result on success?", sources=scope)
    assert len({c.text for c in returns.citations}) == len(returns.citations), returns.text


def test_a_heading_that_names_the_topic_is_not_cited_as_the_answer(make_bot: Callable[..., Citebot]) -> None:
    reference = (
        "queue.drain()\n\nThe queue.drain() method removes every waiting job and returns how many were removed.\n\n"
        "queue.pause()\n\nThe queue.pause() method stops workers from taking new jobs."
    )
    bot, scope = bot_over(make_bot, "queue.md", reference)
    answer = bot.ask("What does queue.drain() do?", sources=scope)
    assert answer.citations and "removes every waiting job" in answer.citations[0].text, answer.text


REFERENCE = (
    "pool.resize(size)\n\nAdded in: v2.1.0\n\n- size <integer>\n\n"
    "Changes the number of workers in the pool, stopping idle ones first.\n\n"
    "pool.close()\n\nAdded in: v1.0.0\n\n- Returns: <Promise>\n\n"
    "Stops every worker once its current job is done and rejects new jobs.\n\n"
    "pool.stats()\n\nAdded in: v3.4.0\n\nReports how many jobs are waiting and how many workers are busy."
)


@pytest.mark.parametrize(
    ("question", "held"),
    [
        ("What does pool.resize() do?", "Changes the number of workers"),
        ("what happens when I call pool.close", "rejects new jobs"),
        ("When was pool.stats added?", "Added in: v3.4.0"),
    ],
)
def test_an_api_entry_is_ranked_with_its_heading_and_the_sentence_below(
    make_bot: Callable[..., Citebot], question: str, held: str
) -> None:
    """A heading and the lines under it that end no sentence (each a paragraph, so a passage, of its own) are
    one candidate with the sentence that says what the entry does: alone, neither answers."""
    bot, scope = bot_over(make_bot, "pool.md", REFERENCE)
    retrieval = bot.retriever.search(question, sources=scope)
    best = bot.answerer.decisions(question, retrieval)[0].ranked[0]  # type: ignore[attr-defined]
    entry = question.split("pool.")[1].split("(")[0].split()[0].rstrip("?")
    assert best.text.startswith(f"pool.{entry}(") and held in best.text, best.text
    assert REFERENCE[best.start : best.end] == best.text


def test_an_api_entry_is_cited_whole(make_bot: Callable[..., Citebot]) -> None:
    bot, scope = bot_over(make_bot, "pool.md", REFERENCE)
    answer = bot.ask("What does pool.resize() do?", sources=scope)
    assert len(answer.citations) == 1, answer.text
    cited = answer.citations[0]
    assert cited.text.startswith("pool.resize(size)") and "Changes the number of workers" in cited.text
    assert REFERENCE[cited.start : cited.end] == cited.text


def test_a_year_in_the_question_ranks_the_sentence_with_that_year_first(make_bot: Callable[..., Citebot]) -> None:
    history = (
        "The harbour town was founded by fishermen. The harbour town grew quickly in the nineteenth century. "
        "The harbour town had more than 16,000 people in 1840. A railway reached the harbour town in 1871. "
        "By 1900 the harbour town had over 90,000 people, most of them dock workers. "
        "Today the harbour town is a ferry port."
    )
    bot, scope = bot_over(make_bot, "town.md", history)
    answer = bot.ask("In 1840, about how many people lived in the harbour town?", sources=scope)
    assert answer.citations and "16,000 people in 1840" in answer.citations[0].text, answer.text


@pytest.mark.parametrize(
    ("sentence", "dated"),
    [("The duchy was founded in 911.", True), ("It flourished in the 10th century.", True), ("It grew.", False)],
)
def test_years_before_1500_and_centuries_are_dates(sentence: str, dated: bool) -> None:
    assert HOLDS["date"](sentence) is dated


@pytest.mark.parametrize(
    ("kind", "sentence", "question", "given"),
    [
        ("place", "The plant will be built in Poland.", "where in poland will the plant be built?", False),
        ("place", "The plant will be built in Gdansk, Poland.", "where in Poland will the plant be built?", True),
        ("date", "The vote took place in May.", "On which day in May was the vote?", False),
        ("date", "The vote took place on Friday, 12 May.", "on which day in may was the vote?", True),
        ("number", "In 2021 the club had new members.", "How many members did the club have in 2021?", False),
        ("number", "In 2021 the club had 340 members.", "How many members did the club have in 2021?", True),
        # counts in words, version numbers, and a release for "when" (in a manual, a release is a moment)
        ("number", "Each section MUST appear exactly once.", "How many times may a section appear?", True),
        ("number", "The bell rings twice at noon.", "how many times does the bell ring at noon", True),
        ("number", "Seventeen members voted for it.", "How many members voted for the plan?", True),
        ("number", "Members voted for the plan.", "How many members voted for the plan?", False),
        ("version", "Protocol-Version: 2.4", "Which version is the protocol?", True),
        ("version", "added: v18.3.0", "in which version was fs.cp added?", True),
        ("version", "The header carries a version field.", "which version is the protocol?", False),
        ("date", "added: v4.2.0", "When was fs.cp added?", True),
        # a measure asked by its name: "what is the uid of X?" wants a number
        ("number", "The backup user owns the tape archives.", "what is the uid of the backup user?", False),
        ("number", "The backup user has uid 34.", "What is the UID of the backup user", True),
        ("number", "Turnout rose to 71 percent.", "what was the percentage of voters who turned out", True),
    ],
)
def test_the_asked_detail_must_go_beyond_what_the_question_names(
    kind: str, sentence: str, question: str, given: bool
) -> None:
    assert answer_type(question) == kind
    assert gives(kind, sentence, question) is given


def test_a_short_question_without_and_is_a_new_topic_not_a_follow_up() -> None:
    conversation = Conversation()
    conversation.add("what is the default retry count?", "The default retry count is 3.")
    assert resolve_references("tell me about the cache", conversation) == "Tell me about the cache"


@pytest.mark.timeout(10)
def test_a_long_question_after_and_is_read_at_once() -> None:
    """Many long words after "and" once made the follow-up pattern try every way of splitting them (minutes)."""
    conversation = Conversation()
    conversation.add("what is the default retry count?", "The default retry count is 3.")
    rest = "x" * 200 + " " + "y" * 200 + " a b c d e f g"  # seven words: no follow-up, asked as it stands
    assert resolve_references("and " + rest, conversation) == "X" + rest[1:]


CIDER = (
    "Pomona Cider has opened a second press in the valley. "
    "The chief executive of Pomona, Dana Whitcombe, said the press would double its output by autumn. "
    "Rival Orchard Co. said it would wait for the harvest figures. "
    "Orchard's chairman, Peter Vane, declined to comment. "
    "Pomona, founded in 1998, is located in Hereford and sells most of its cider abroad."
)


def ask_about_cider(make_bot: Callable[..., Citebot], question: str) -> Answer:
    return council_bot(make_bot, CIDER).ask(question, sources=frozenset({"council.md"}))


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("who runs pomona?", "Dana Whitcombe"),
        ("what's the name of pomona's boss", "Dana Whitcombe"),
        ("who is the head of orchard", "Peter Vane"),
        ("who is the top exec at the cider maker?", "Dana Whitcombe"),  # a description: the one chief executive
        ("who is the chief executive of orchard?", NOBODY),  # the documents name Pomona's, not Orchard's
        ("who is the boss at the cider maker?", "Dana Whitcombe"),  # "Pomona Cider" is the cider maker
        ("who's the boss?", None),  # two bosses, and no name to choose between them
        ("who is the top exec at the chip maker?", None),  # a description the documents use no word of
        ("who opened a second press?", None),  # no role asked
    ],
)
def test_the_person_asked_for_by_role_is_found_through_the_documents_appositions(
    question: str, person: str | None
) -> None:
    holder = role_holder(question, [CIDER])
    assert (holder and holder.person) == person


SATELLITES = (
    "Chilean President Ana Ortiz toured the Andesat plant on Monday. "
    "The chief executive of Andesat, Tomas Vidal, showed her the new antenna. "
    "Radio Chile Sur filmed the visit."
)


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("who's the head of chile?", "Ana Ortiz"),  # a country's head is its president
        ("who is the head of andesat", "Tomas Vidal"),
        ("who is the head of the antenna maker?", "Tomas Vidal"),  # a description is of a company, not a country
        ("who is the head of radio chile?", NOBODY),  # "Chilean" is not Radio Chile Sur: both words must be its
    ],
)
def test_a_head_is_a_country_s_president_or_a_company_s_chief(question: str, person: str) -> None:
    holder = role_holder(question, [SATELLITES])
    assert (holder and holder.person) == person


def test_a_speaker_asked_for_by_a_description_is_the_title_s_one_holder() -> None:
    """ "the antenna maker's chief executive" names no organisation; Andesat's is the one chief executive."""
    assert asked_speaker("what did the antenna maker's chief executive say?", [SATELLITES]) == "Tomas Vidal"
    assert asked_speaker("what did the president say?", [SATELLITES]) == "Ana Ortiz"


@pytest.mark.parametrize(
    ("question", "cited"),
    [
        ("who runs pomona?", "Dana Whitcombe"),
        ("who's orchard's boss", "Peter Vane"),
        ("who is the top exec at the cider maker?", "Dana Whitcombe"),
    ],
)
def test_a_question_asking_for_someone_by_role_cites_the_sentence_naming_them(
    make_bot: Callable[..., Citebot], question: str, cited: str
) -> None:
    answer = ask_about_cider(make_bot, question)
    assert not answer.abstained and cited in answer.citations[0].text, answer.text


def test_a_role_asked_of_an_organisation_the_documents_give_no_such_person_is_not_answered(
    make_bot: Callable[..., Citebot],
) -> None:
    """The near miss: the documents name Pomona's chief executive, not Orchard's."""
    answer = ask_about_cider(make_bot, "who is the chief executive of orchard?")
    assert answer.abstained, answer.text


def test_a_sentence_giving_someone_a_title_covers_the_role_words_that_stand_for_it() -> None:
    assert {"boss", "chief", "run"} <= held_terms("The chief executive of Pomona, Dana Whitcombe, said so.")
    assert "boss" not in held_terms("The press would double its output by autumn.")


def test_a_role_word_inside_another_title_asks_for_no_role_holder() -> None:
    """ "the chief technology officer" is not "the chief": the near miss is not answered with the CEO."""
    assert role_holder("who is the chief technology officer at pomona?", [CIDER]) is None


@pytest.mark.parametrize("question", ["where is pomona based?", "where's pomona headquartered"])
def test_a_word_that_only_restates_the_asked_kind_need_not_be_in_the_answer(
    make_bot: Callable[..., Citebot], question: str
) -> None:
    """ "where is X based?" asks where X is: "X ... is located in Hereford" answers it."""
    answer = ask_about_cider(make_bot, question)
    assert not answer.abstained and "located in Hereford" in answer.citations[0].text, answer.text


def test_according_to_someone_asks_for_their_words(bot: Citebot) -> None:
    answer = bot.ask("what is ukraine under, according to bayraktar?")
    assert "Ukraine is under very heavy aggression" in answer.text and answer.citations, answer.text


def test_where_an_event_happened_is_asked_by_where_alone(bot: Citebot) -> None:
    """ "where did X happen?" asks where X was: "happen" need not be in the answer."""
    answer = bot.ask("where did the crowdfunding happen?")
    assert not answer.abstained and "a group in Lithuania" in answer.citations[0].text, answer.text


def test_a_two_part_question_cites_a_sentence_for_each_part_and_reads_the_second_as_a_follow_up(
    make_bot: Callable[..., Citebot],
) -> None:
    """ "who runs it" after "where is Pomona based": "it" is what the first part asked about."""
    answer = ask_about_cider(make_bot, "where is Pomona based and who runs it?")
    cited = " ".join(citation.text for citation in answer.citations)
    assert "located in Hereford" in cited and "Dana Whitcombe" in cited, answer.text


def test_it_stands_for_a_name_typed_in_lowercase_that_the_answer_writes_as_a_name() -> None:
    """ "pomona" is no name to the question alone; the answer writes it "Pomona"."""
    last = Turn("where is pomona based?", "Pomona, founded in 1998, is located in Hereford. [1]")
    assert with_names("who runs it?", last) == "who runs Pomona?"
    assert with_names("what does it sell?", Turn("where is the press?", "The press is in the valley. [1]")) is None


def test_the_second_part_s_pronoun_is_the_person_the_first_part_s_answer_names(
    make_bot: Callable[..., Citebot],
) -> None:
    bot, question = council_bot(make_bot, CIDER), "who runs pomona and what did she say about the press?"
    decisions = bot.answerer.decisions(question, bot.retriever.search(question, sources=frozenset({"council.md"})))
    assert [d.question for d in decisions][1] == "what did Dana Whitcombe say about the press", decisions


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("hey, who runs the ferry?", "Who runs the ferry?"),
        ("can you tell me where the ferry docks please?", "Where the ferry docks?"),
        ("do you know who the harbour master is", "Who is the harbour master?"),
        ("i'd like to know when the pier closed", "When the pier closed"),
        ("according to the article, who runs the ferry?", "Who runs the ferry?"),
        ("who runs the ferry, in the text?", "Who runs the ferry?"),
        ("what does the document say about the storm", "What is said about the storm"),
        ("explain why the pier closed, thanks", "Why the pier closed"),
        ("what is in the text?", "what is in the text?"),  # the text is what it asks about
        ("tell me more", "tell me more"),  # nothing left to ask plainly
        ("name the harbour master", "What is the harbour master"),  # a request asks a question
        ("could you list the ferries that run in winter?", "What are the ferries that run in winter?"),
        ("describe the storm", "What is the storm"),
        ("does the article mention the storm?", "does the article mention the storm?"),
    ],
)
def test_chat_framing_is_read_off_the_question(typed: str, plain: str) -> None:
    assert unframed(typed) == plain


HARBOUR = (
    "Kelmouth harbour\n\n"
    "The ferry to Dunmore is run by the Kelmouth Boat Company. It docks at the north quay, beside the fish market. "
    "The harbour master, Tomas Reyes, inspects the quay every Friday. "
    "The old pier closed in 2019 because its timbers had rotted."
)


@pytest.mark.parametrize(
    ("plain", "framed"),
    [
        ("who runs the ferry to dunmore?", "hey, can you tell me who runs the ferry to dunmore?"),
        ("where does the ferry dock?", "according to the article, where does the ferry dock?"),
        ("who is the harbour master?", "do you know who the harbour master is?"),
        ("why did the old pier close?", "what does the text say about why the old pier closed"),
        ("who is the harbour master?", "name the harbour master"),
    ],
)
def test_a_framed_question_is_answered_like_the_plain_one(
    make_bot: Callable[..., Citebot], plain: str, framed: str
) -> None:
    bot, scope = bot_over(make_bot, "harbour.md", HARBOUR)
    expected = bot.ask(plain, sources=scope)
    answer = bot.ask(framed, sources=scope)
    assert not expected.abstained, expected.text
    assert not answer.abstained, answer.text
    assert answer.citations[0].text == expected.citations[0].text
    assert answer.question == framed  # the user's words are kept


def test_a_follow_up_naming_a_year_is_answered_by_a_sentence_with_that_year(make_bot: Callable[..., Citebot]) -> None:
    """ "and in 2017?" after "what raise did they offer?" asks about 2017, not the last answer again."""
    text = (
        "The port authority offered the dockers a 4 percent raise on Tuesday. "
        "The last strike, in 2017, ended after nine days with a 3 percent raise."
    )
    bot, scope = bot_over(make_bot, "port.md", text)
    conversation = Conversation()
    first = bot.ask("what raise did the port authority offer the dockers?", conversation, sources=scope)
    assert "4 percent" in first.citations[0].text, first.text
    follow_up = bot.ask("and in 2017?", conversation, sources=scope)
    assert not follow_up.abstained, follow_up.text
    assert "in 2017" in follow_up.citations[0].text, follow_up.text
