"""The extractive answerer: picks the sentences that answer the question and cites them, or abstains.

Sentences are ranked by similarity and weighted term coverage; a small trained model (bot.answering.confidence)
then ranks the best-ranked few again by how likely each answers, and another judges whether the first then does,
abstaining below its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bot.answering import features
from bot.answering.answer import Answer, TokenSink, abstention
from bot.answering.candidates import Candidate, candidates_of
from bot.answering.citations import Citation, Quote, attributed_quotes, citation_of, name_in, same_person
from bot.answering.confidence import shipped
from bot.answering.conversation import Conversation, Turn, resolve_references, with_names
from bot.answering.question import NUMBER, expected_kind, parts, restating, weights
from bot.answering.speakers import (
    about_them,
    asked_phrase,
    asked_speaker,
    held_terms,
    mentions,
    reports,
    role_holder,
    said_phrase,
    topic,
)
from bot.answering.vectors import Vectors
from bot.retrieve import Retrieval
from index.storage.lexical import content_words, matches, terms, whole_words

if TYPE_CHECKING:
    from index.embeddings import NamedEmbeddings


SYNONYM = 0.65
# a quotation covering this much of the topic is cited even when the model is unsure: few tune questions ask
# what someone said, so the model has not learnt how such a quotation looks (the topic is often in the lead-in)
SPEAKER_TOPIC = 0.3
SECOND_CITATION = 0.75  # a confident runner-up this close to the best sentence's score is cited too
RUNNER_UP = 0.75  # ... at this share of the threshold (tune: SQuAD recall +0.6 points, 12 more characters p50)
SHORTLIST = 10  # how many of the best-ranked sentences the model ranks again
Weights = dict[str, dict[str, float]]  # document version -> question term -> its weight there


@dataclass(frozen=True)
class Decision:
    """One question (or one part of a two-part question): its sentences best first, and for the shortlisted
    first ones, the confidence model's features and the probability that they answer."""

    question: str
    who: str | None  # the person a "what did X say" question asks about
    ranked: list[Candidate]
    rows: np.ndarray  # the features of ranked[: len(rows)], the shortlist
    confidence: float  # the probability that the first answers
    second: float | None = None  # ... and that the second does, were it first below, when its score is close
    by_role: bool = False  # `ranked` holds only sentences giving the title a "who is the CEO of X?" question asks for


class ExtractiveAnswerer:
    """Picks the sentences that answer the question and cites them; abstains when none does.

    It reads nothing of the store: the texts, statistics and records it needs come with the Retrieval."""

    name = "extractive"

    def __init__(self, embeddings: NamedEmbeddings, min_confidence: float | None = None) -> None:
        self.embeddings = embeddings
        self.model = shipped()
        self.threshold = self.model.decide.threshold if min_confidence is None else min_confidence
        self.vectors = Vectors(embeddings)

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        return resolve_references(question, conversation)

    def answer(
        self,
        question: str,
        retrieval: Retrieval,
        scope: str,
        *,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        decisions = self.decisions(question, retrieval)
        first = decisions[0]
        if len(decisions) == 1 and first.who:
            said = replace(self.answer_speaker(first, scope, quotes_only), confidence=first.confidence)
            if not said.abstained:
                return said
            # none of their words is quoted or reported (on the topic), but a sentence about them may answer: "what
            # did X think of the war?": "X criticized ..., calling the invasion “unacceptable.”", found by their
            # name; "what did X's office tweet?": "X's office posted a tweet that ..."
            plain = first
            if topic(question, first.who):
                about = about_them(question, first.who)
                plain = self.decide(about, self.for_part(about, question, retrieval), candidates_of(retrieval), None)
            best = plain.ranked[0] if plain.ranked else None
            if not (best and plain.confidence >= self.threshold and mentions(f"{best.context} {best.text}", first.who)):
                return said
            decisions, first = [plain], plain
        # a sentence naming whoever holds the asked role answers "who is the CEO of X?", sure or not
        confident = [d for d in decisions if d.ranked and (d.confidence >= self.threshold or d.by_role)]
        if not confident:
            return replace(abstention(question, scope), confidence=max(d.confidence for d in decisions))
        chosen = [d.ranked[0] for d in confident]
        if len(decisions) == 1:
            chosen += self.runner_up(first)
        spans: dict[tuple[str, int, int], Candidate] = {}
        for candidate in chosen:  # one citation per span: both parts of a question may pick one sentence
            spans.setdefault(candidate.span, candidate)
        citations = tuple(self.cite(n, candidate) for n, candidate in enumerate(spans.values(), start=1))
        text = " ".join(c.text if quotes_only else f"{c.text} [{c.n}]" for c in citations)
        return Answer(question, text, False, citations, confidence=min(d.confidence for d in confident))

    def decisions(self, question: str, retrieval: Retrieval) -> list[Decision]:
        """One decision per part of the question (most questions have one), each on the same passages; a later
        part's pronoun stands for whom the earlier part's best sentence names."""
        candidates = candidates_of(retrieval)
        windows = list(dict.fromkeys(c.window for c in candidates))
        made: list[Decision] = []
        for part in parts(question):
            if made and made[-1].ranked:  # "who runs X and what did he say?": he is whom the first part's answer names
                part = with_names(part, Turn(made[-1].question, made[-1].ranked[0].text)) or part
            retrieved = self.for_part(part, question, retrieval)
            made.append(self.decide(part, retrieved, candidates, asked_speaker(part, windows)))
        return made

    def for_part(self, part: str, question: str, retrieval: Retrieval) -> Retrieval:
        """The retrieval with the part's own query vector (a part of the question, or the question reworded), so
        each is compared with what it asks."""
        if part == question:
            return retrieval
        return replace(retrieval, query_vector=self.embeddings.embed_query(part))

    def decide(self, question: str, retrieval: Retrieval, candidates: list[Candidate], who: str | None) -> Decision:
        """Rank by similarity and coverage (only sentences with the asked number, sum or date; only the asked
        speaker's quotations, when they have some; only sentences naming the person asked for by role), then let
        the model rank the first few again by how likely each answers."""
        holder = None if who else role_holder(question, [c.text for c in candidates])
        if holder:  # the sentences that give them the title (none for NOBODY)
            candidates = [c for c in candidates if holder.titled_in(c.text)]
        words, weight = self.question_terms(question, who, candidates)
        kind = expected_kind(question)
        scored = self.score(words, weight, retrieval, [c for c in candidates if kind is None or kind(c.text)])
        if who:
            scored = [replace(c, theirs=self.quotations_of(c, who)) for c in scored]
        quoted = [c for c in scored if c.theirs]
        ranked = sorted(quoted or scored, key=lambda c: -c.score)  # the speaker's words, when some are asked
        if not ranked:
            return Decision(question, who, [], np.zeros((0, len(features.FEATURES))), 0.0, by_role=holder is not None)
        shortlist = ranked[:SHORTLIST]
        rows = np.stack([self.features(question, shortlist, n, weight, who, retrieval) for n in range(len(shortlist))])
        order = self.model.order(rows)
        ranked, rows = [shortlist[n] for n in order] + ranked[SHORTLIST:], rows[order]
        judged = [rows[0]]
        if len(ranked) > 1 and ranked[1].score >= SECOND_CITATION * ranked[0].score:  # a runner-up to cite too?
            judged.append(self.features(question, ranked[1:SHORTLIST], 0, weight, who, retrieval))
        confidence, *second = self.model.decide.probabilities(np.stack(judged)).tolist()
        return Decision(question, who, ranked, rows, confidence, next(iter(second), None), holder is not None)

    def runner_up(self, decision: Decision) -> list[Candidate]:
        """The second sentence too, when its score is close to the first's and the model is nearly as sure of it
        as it must be of a first sentence, unless it repeats the first's words (a manual's repeated lines)."""
        first, second = decision.ranked[0], decision.ranked[1:2]
        sure = decision.second is not None and decision.second >= RUNNER_UP * self.threshold
        return second if sure and second[0].text != first.text else []

    def question_terms(
        self, question: str, who: str | None, candidates: list[Candidate]
    ) -> tuple[dict[str, str], Weights]:
        """The question's content terms (stem -> word), weighted per document. The words naming the asked speaker
        are not terms; a name typed in lowercase ("russia") gets its capital back, so it is not matched by
        meaning ("ukraine" is close to it, yet another country)."""
        asked_terms = set(terms(who)) | set(terms(asked_phrase(question) or "")) if who else set()
        restated = restating(question)
        stats = {c.passage.doc_hash: c.stats for c in candidates}
        names = {name for found in stats.values() for name in found.names}
        words = {
            stem: word.capitalize() if word.capitalize() in names else word
            for word in whole_words(question) + NUMBER.findall(question)
            if word.lower() not in restated
            for stem in terms(word)
            if stem not in asked_terms
        }
        weight = {key: weights(list(words), found.sentences, found.containing) for key, found in stats.items()}
        return words, weight

    def features(
        self, question: str, ranked: list[Candidate], n: int, weight: Weights, who: str | None, retrieval: Retrieval
    ) -> np.ndarray:
        """The confidence model's features of the n-th ranked sentence."""
        candidate = ranked[n]
        quoted = bool(candidate.theirs) if who else None
        fused = next((hit.score for hit in retrieval.hits if hit.passage.id == candidate.passage.id), 0.0)
        return features.row(question, ranked, n, weight[candidate.passage.doc_hash], quoted, fused)

    def quotations_of(self, candidate: Candidate, who: str) -> tuple[Quote, ...]:
        """The sentence's quotations of the person asked about."""
        return tuple(quote for quote in self.quotes(candidate) if quote.speaker and same_person(who, quote.speaker))

    def answer_speaker(self, decision: Decision, scope: str, quotes_only: bool) -> Answer:
        """Quote what the documents attribute to the person asked about, naming them: the best-ranked of their
        quotations when the question names a topic (if the model is confident of it, or it covers the topic),
        else their first one."""
        question, who = decision.question, decision.who or ""
        quoted = [(c, quote) for c in decision.ranked for quote in c.theirs]
        if not quoted:  # their words reported without quotation marks answer a question on no topic
            reported = [c for c in decision.ranked if reports(c.text, who)]
            if not reported or topic(question, who):
                return abstention(question, scope, f"quote {who} on that")
            citation = self.cite(1, reported[0])
            return Answer(question, citation.text if quotes_only else f"{citation.text} [1]", False, (citation,))
        if not topic(question, who):
            candidate, quote = min(quoted, key=lambda pair: pair[1].start)
        elif decision.confidence >= self.threshold or quoted[0][0].coverage >= SPEAKER_TOPIC:
            candidate, quote = quoted[0]
        else:
            return abstention(question, scope, f"report {who} saying that")
        citation = self.cite(1, candidate)
        if quotes_only:
            return Answer(question, citation.text, False, (citation,))
        speaker = name_in(candidate.stats.names, quote.speaker or who)
        words = candidate.passage.text[quote.start - candidate.passage.start : quote.end - candidate.passage.start]
        text = f"{speaker} {said_phrase(candidate.text)}: “{words.strip().rstrip(',')}” [1]"
        return Answer(question, text, False, (citation,))

    def quotes(self, candidate: Candidate) -> list[Quote]:
        """Quotations that begin inside this candidate sentence, with absolute offsets."""
        base = candidate.window_start
        found = attributed_quotes(candidate.window, (candidate.start - base, candidate.end - base))
        return [replace(quote, start=quote.start + base, end=quote.end + base) for quote in found]

    def score(
        self, words: dict[str, str], weight: Weights, retrieval: Retrieval, candidates: list[Candidate]
    ) -> list[Candidate]:
        """The candidate sentences with their similarity to the question and weighted term coverage."""
        found = [(held_terms(c.text), set(terms(c.context))) for c in candidates]
        meant = by_meaning(words)
        also = compared_words(meant, candidates, found)
        vectors = self.vectors.of([c.text for c in candidates], also, retrieval.context.vectors)
        query = np.asarray(retrieval.query_vector)
        return [
            replace(
                candidate,
                dense=float(vector @ query),
                coverage=self.coverage(words, meant, weight[candidate.passage.doc_hash], candidate.text, own, context),
            )
            for candidate, vector, (own, context) in zip(candidates, vectors, found, strict=True)
        ]

    def coverage(
        self,
        words: dict[str, str],
        meant: dict[str, str],
        weight: dict[str, float],
        text: str,
        own: set[str],
        context: set[str],
    ) -> float:
        """Weighted share of the question's terms in the sentence: exact, by meaning (the `meant` ones), or in the
        sentence before."""
        if not words:
            return 0.0
        got = 0.0
        for term, word in words.items():
            if matches(term, own):
                got += weight[term]
            elif term in meant and (similar := self.vectors.closest_word(word, text)) >= SYNONYM:
                got += weight[term] * similar
            elif matches(term, context):
                got += weight[term] / 2
        return got / sum(weight.values())

    @staticmethod
    def cite(n: int, candidate: Candidate) -> Citation:
        return citation_of(n, candidate.info, candidate.passage, candidate.start, candidate.end, candidate.text)


def by_meaning(words: dict[str, str]) -> dict[str, str]:
    """The question terms that may match a sentence's word by meaning: lowercase words (a name or a number is
    matched only exactly)."""
    return {term: word for term, word in words.items() if word.isalpha() and word.islower()}


def compared_words(
    meant: dict[str, str], candidates: list[Candidate], found: list[tuple[set[str], set[str]]]
) -> list[str]:
    """The words `coverage` will compare by meaning: the question's `meant` ones, and those of each sentence
    that lacks one of them."""
    lacking = [c.text for c, (own, _) in zip(candidates, found, strict=True) if not all(matches(t, own) for t in meant)]
    return [*meant.values(), *(word for text in lacking for word in content_words(text))]
