"""Builds the grounding benchmark (FactCC-style) from real text: run once, commit the jsonl it writes.

    .venv/bin/python benchmarks/grounding/build.py [--shared ../shared]

Real sentences are taken from a few documents (the bundled article, two SQuAD training articles for tuning,
the SQuAD Normans article and Node.js's timers docs for validation) and changed by one rule each: negation,
number swap, entity swap, role swap. Each changed sentence, cited as the answerer cites, is an unfaithful
reply. The faithful replies are written by hand in faithful.jsonl (paraphrases, two-passage syntheses, hedges
of absence, "According to X, Y said ...", "He said ..."). Every item gets the passages an answerer would give
(the cited ones and one other passage of the same document, numbered). The bundled article's items are split
between tune and validation with a fixed seed; the other documents belong to one split each.
Writes documents.jsonl (the excerpts, so the benchmark reads nothing outside the repository), tune.jsonl and
validation.jsonl. The held-out split is built the same way from four other SQuAD articles with its own seed
and its own hand-written replies (holdout_faithful.jsonl, written without reading the check's code), into
holdout_documents.jsonl and holdout.jsonl: nobody tunes the check on it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from benchmarks.common import SHARED  # noqa: E402
from index.documents import bundled_document  # noqa: E402
from index.passages import Passage, make_passages, sentence_spans  # noqa: E402

SEED = 13
PER_TYPE = 12  # changed sentences kept per document and transformation
# (id, split, where, characters kept from the start): None for the split means "shared by seed"
SOURCES = [
    ("putin", None, "bundled", None),
    ("beyonce", "tune", "bench/squad2/train/beyonce.txt", 3500),
    ("chopin", "tune", "bench/squad2/train/frederic_chopin.txt", 3500),
    ("normans", "validation", "bench/squad2/dev/normans.txt", 4200),
    ("timers", "validation", "/usr/share/doc/nodejs/api/timers.md", 4000),
]
HOLDOUT_SEED = 29
HOLDOUT_SOURCES = [
    ("sichuan", "holdout", "bench/squad2/train/2008_sichuan_earthquake.txt", 3500),
    ("mockingbird", "holdout", "bench/squad2/train/to_kill_a_mockingbird.txt", 3500),
    ("ipod", "holdout", "bench/squad2/train/ipod.txt", 3500),
    ("spectre", "holdout", "bench/squad2/train/spectre_2015_film.txt", 3500),
]
NUMBER_WORDS = "one two three four five six seven eight nine ten eleven twelve twenty thirty hundred".split()
NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*")
NOT_NAMES = frozenset("The A An In On At It He She They This That By When Through Their Its His Her".split())
NEGATABLE = re.compile(r"\b(is|was|are|were|has|have|had|does|did|can|will|would|could)\b(?!\s+(?:not|never)\b)")
NEGATED = re.compile(r"\s+(not|never)\b|n[’']t\b")
CALENDAR = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
# A whole noun phrase that is a name: after a role preposition and ending the phrase ("with the French
# writer" is not one), or before a verb it is the subject of ("Reuters reported").
SLOT = re.compile(
    r"(?:\b(?P<prep>to|from|with|by|for|against|into|including|in|at)\s+(?:the\s+)?)?"
    r"(?P<name>\b[A-Z]\w+(?:\s+[A-Z]\w+)*)"
    r"(?(prep)(?=\s*[,.;:!?)”]|\s*$|\s+(?:and|or|amid|in|on|at|to|from|with|by|for|as|who|which|that|during|"
    r"after|before|since|is|was|were|are|has|had|said)\b)"
    r"|(?=\s+(?:(?:has|have|had|also)\s+)?(?:\w+ed|said|says|told|wrote|made|sent|is|was|are|were)\b))"
)
Transform = Callable[[str, list[str], random.Random], str | None]


def excerpt(where: str, chars: int | None, shared: Path) -> str:
    """The start of a source, cut at a paragraph break so no sentence is cut."""
    if where == "bundled":
        return bundled_document().text
    path = Path(where) if where.startswith("/") else shared / where
    if not path.exists():
        sys.exit(f"{path} is missing: the build reads ../shared (or --shared) and the nodejs package's docs")
    text = path.read_text(encoding="utf-8")
    return text[: text.rfind("\n\n", 0, chars)].strip() if chars else text


def doc_names(text: str) -> list[str]:
    """Capitalised word runs of a text that are not sentence openers."""
    found = []
    for match in NAME.finditer(text):
        start = match.start()
        if start == 0 or re.search(r"[.!?\n“\"]\s*$", text[max(0, start - 3) : start]):
            continue
        name = match.group(0)
        if name.split()[0] not in NOT_NAMES:
            found.append(name)
    return list(dict.fromkeys(found))


def negation(sentence: str, names: list[str], rng: random.Random) -> str | None:
    """Remove the first not/never, else put one after the first auxiliary ("has" -> "has never")."""
    if NEGATED.search(sentence):
        return NEGATED.sub(lambda m: "" if m.group(1) else "", sentence, count=1)
    match = NEGATABLE.search(sentence)
    if not match:
        return None
    word = "never" if match.group(1) in {"has", "have", "had"} else "not"
    return f"{sentence[: match.end()]} {word}{sentence[match.end() :]}"


def number_swap(sentence: str, names: list[str], rng: random.Random) -> str | None:
    """Change one number: digits to another value of the same length, a number word to another one."""
    digits = list(re.finditer(r"\b\d+(?=th\b|st\b|s\b|\b)", sentence))
    if digits:
        match = rng.choice(digits)
        value = int(match.group(0))
        new = value + rng.choice([-3, -2, -1, 1, 2, 3, 10]) if value > 20 else value + rng.randint(1, 5)
        return f"{sentence[: match.start()]}{new}{sentence[match.end() :]}"
    words = [m for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", sentence, re.IGNORECASE)]
    if not words:
        return None
    match = rng.choice(words)
    word = rng.choice([w for w in NUMBER_WORDS if w != match.group(0).lower()])
    return f"{sentence[: match.start()]}{word}{sentence[match.end() :]}"


def entity_swap(sentence: str, names: list[str], rng: random.Random) -> str | None:
    """Replace one name of the sentence by another name from the same document."""
    inside = [name for name in doc_names(sentence) if name in names]
    others = [name for name in names if name not in sentence and not any(name in n or n in name for n in inside)]
    if not inside or not others:
        return None
    old, new = rng.choice(inside), rng.choice(others)
    return sentence.replace(old, new, 1)


def role_swap(sentence: str, names: list[str], rng: random.Random) -> str | None:
    """Swap "from X to Y", else the first two names that fill different slots: the subject of a verb
    ("Reuters reported") or the object of a preposition ("to Ukraine", "including Robert Schumann").
    Other capitalised words (months, "Polish", "Golden Globe-nominated", "the Duchy of Warsaw", parts of
    a pronunciation) are not swapped: exchanging them garbles the sentence rather than its meaning."""
    match = re.search(r"\bfrom ([A-Z][\w’'-]+) to ([A-Z][\w’'-]+)", sentence)
    if match:
        a, b = match.group(1), match.group(2)
        return f"{sentence[: match.start()]}from {b} to {a}{sentence[match.end() :]}"
    slotted = [found for found in slots(sentence) if found[1] in names or found[1].split()[0] in names]
    for first, second in zip(slotted, slotted[1:], strict=False):
        if first[0] != second[0] and first[1] not in second[1] and second[1] not in first[1]:
            (_, a, a_start, a_end), (_, b, b_start, b_end) = first, second
            return f"{sentence[:a_start]}{b}{sentence[a_end:b_start]}{a}{sentence[b_end:]}"
    return None


def slots(sentence: str) -> list[tuple[str, str, int, int]]:
    """(slot, name, start, end) for each name standing alone as a subject or a preposition's object."""
    found = []
    for match in SLOT.finditer(sentence):
        name, before = match.group("name"), sentence[: match.start()]
        if name.split()[0] not in CALENDAR and before.count("(") <= before.count(")"):
            found.append((match.group("prep") or "subject", name, match.start("name"), match.end("name")))
    return found


TRANSFORMS: dict[str, Transform] = {
    "negation": negation,
    "number": number_swap,
    "entity": entity_swap,
    "role": role_swap,
}


def usable(sentence: str) -> bool:
    """A prose sentence a model could write: not a heading, list line, code or markup."""
    return 6 <= len(sentence.split()) <= 60 and not re.search(r"^[#*>`-]|<!--|```|\n\s*[#*>-]", sentence)


def real_sentences(text: str, passages: list[Passage]) -> Iterator[tuple[int, str]]:
    """(passage index, sentence) for every usable sentence of every passage."""
    for index, passage in enumerate(passages):
        for start, end in sentence_spans(text, passage.start, passage.end):
            sentence = " ".join(text[start:end].split())
            if usable(text[start:end]):
                yield index, sentence


def given(passages: list[Passage], cited: list[int], rng: random.Random) -> list[int]:
    """The passage indices an answerer would give: the cited ones and one other, in a shuffled order."""
    others = [i for i in range(len(passages)) if i not in cited]
    chosen = cited + ([rng.choice(others)] if others else [])
    rng.shuffle(chosen)
    return chosen


def item(doc: str, kind: str, label: str, reply: str, chosen: list[int], passages: list[Passage]) -> dict:
    return {
        "doc": doc,
        "type": kind,
        "label": label,
        "reply": reply,
        "passage_ids": chosen,
        "passages": [f"[{n}] {passages[i].text}" for n, i in enumerate(chosen, start=1)],
    }


def changed(doc: str, text: str, passages: list[Passage], rng: random.Random) -> list[dict]:
    """Up to PER_TYPE unfaithful items per transformation, from the document's real sentences."""
    names = doc_names(text)
    items = []
    for kind, transform in TRANSFORMS.items():
        made = []
        for index, sentence in real_sentences(text, passages):
            new = transform(sentence, names, rng)
            if new and new != sentence:
                chosen = given(passages, [index], rng)
                reply = f"{new.rstrip('.')} [{chosen.index(index) + 1}]."
                made.append(item(doc, kind, "unfaithful", reply, chosen, passages))
        items += rng.sample(made, min(PER_TYPE, len(made)))
    return items


def written(doc: str, passages: list[Passage], rng: random.Random, replies: str = "faithful.jsonl") -> list[dict]:
    """The hand-written faithful replies for a document; `cite` anchors name the passages [1], [2] cite."""
    items = []
    for line in (HERE / replies).read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["doc"] != doc:
            continue
        cited = [next(i for i, p in enumerate(passages) if anchor in p.text) for anchor in entry["cite"]]
        chosen = given(passages, cited, rng)
        renumbered = {f"[{n}]": f"[{chosen.index(i) + 1}]" for n, i in enumerate(cited, start=1)}
        reply = re.sub(r"\[\d\]", lambda m, table=renumbered: table[m.group(0)], entry["reply"])
        items.append(item(doc, entry["type"], "faithful", reply, chosen, passages))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the workplace's shared/ folder")
    shared = parser.parse_args().shared
    build(SOURCES, SEED, "faithful.jsonl", "documents.jsonl", ["tune", "validation"], shared)
    build(HOLDOUT_SOURCES, HOLDOUT_SEED, "holdout_faithful.jsonl", "holdout_documents.jsonl", ["holdout"], shared)


def build(sources: list, seed: int, replies: str, documents_file: str, split_names: list[str], shared: Path) -> None:
    """Writes the documents and the items of each split (a source without a split is shared by the seed)."""
    rng = random.Random(seed)
    splits: dict[str, list[dict]] = {name: [] for name in split_names}
    documents = []
    for doc, split, where, chars in sources:
        text = excerpt(where, chars, shared)
        documents.append({"doc": doc, "text": text})
        passages = make_passages(doc, "", text)
        items = written(doc, passages, rng, replies) + changed(doc, text, passages, rng)
        for entry in items:
            splits[split or rng.choice(split_names)].append(entry)
    write(HERE / documents_file, documents)
    for split, items in splits.items():
        write(HERE / f"{split}.jsonl", items)
        print(f"{split}: {len(items)} items, {sum(i['label'] == 'faithful' for i in items)} faithful")


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
