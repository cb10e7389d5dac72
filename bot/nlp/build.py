"""Build the offline spaCy pipeline that Rasa's ``SpacyNLP`` loads by path.

    python -m bot.nlp.build build/spacy-hotline

No pretrained pipeline can be downloaded here, so this is spaCy's blank multi-language tokenizer
(English and Spanish share it) plus an ``entity_ruler`` holding ``bot.nlp.patterns``. It has no
vectors and no statistical NER: DIET does the learned part of the NLU.
"""

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.nlp.patterns import entity_ruler_patterns


def build_pipeline() -> Language:
    nlp = spacy.blank("xx")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.initialize()
    # Patterns go in after initialize(): initialising an entity ruler clears its patterns.
    ruler.add_patterns(entity_ruler_patterns())  # type: ignore[attr-defined]
    return nlp


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.nlp.build OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(output)
    print(f"spaCy pipeline written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
