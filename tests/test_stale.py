"""A stored answer whose cited span left the document is marked stale where it is shown again."""

import io
import json
from collections.abc import Callable
from pathlib import Path

from bot.core import Citebot
from bot.discord.feedback import UP, FeedbackStore
from index.documents import Document
from index.storage.consistency import is_stale

V1 = "Kestrel notes\n\nThe kestrel hovers above fields while hunting voles.\n\nIt nests in old buildings.\n"
V2 = "Kestrel notes\n\nThe kestrel nests in old buildings and church towers.\n"


def exported(store: FeedbackStore, bot: Citebot) -> list[dict]:
    out = io.StringIO()
    store.export(out, lambda citation, _: is_stale(citation, bot.store))
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_feedback_export_marks_citations_of_a_changed_document_stale(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.store.add(Document("kestrel.txt", "Kestrel notes", V1))
    answer = bot.ask("What does the kestrel hunt?", sources=frozenset({"kestrel.txt"}))
    votes = FeedbackStore(tmp_path / "feedback.sqlite3")
    votes.vote(votes.record_answer(answer), 1, UP)
    assert [c["stale"] for c in exported(votes, bot)[0]["citations"]] == [False]
    bot.store.add(Document("kestrel.txt", "Kestrel notes", V2))
    assert [c["stale"] for c in exported(votes, bot)[0]["citations"]] == [True]


def test_feedback_export_checks_each_vote_against_its_servers_knowledge_base(
    make_bot: Callable[..., Citebot], data_dir: Path
) -> None:
    from click.testing import CliRunner

    from bot.cli.app import cli

    bot = make_bot()
    bot.ensure_kb("guild-42", seed_from=None)
    bot.add_document(Document("kestrel.txt", "Kestrel notes", V1), kb="guild-42")
    answer = bot.ask("What does the kestrel hunt?", kb="guild-42")
    votes = FeedbackStore(data_dir / "feedback.sqlite3")
    for guild in (42, None, 7):  # its server; a DM (`default`, without the document); a server without a KB
        votes.vote(votes.record_answer(answer, guild=guild), 1, UP)

    def stale() -> list[tuple[str | None, list[bool]]]:
        printed = CliRunner().invoke(cli, ["feedback", "export"])
        assert printed.exit_code == 0, printed.output
        lines = [json.loads(line) for line in printed.output.splitlines()]
        return [(vote["guild"], [c["stale"] for c in vote["citations"]]) for vote in lines]

    assert stale() == [("42", [False]), (None, [True]), ("7", [True])]
    bot.add_document(Document("kestrel.txt", "Kestrel notes", V2), kb="guild-42")
    assert stale()[0] == ("42", [True])
