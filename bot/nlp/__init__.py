"""The offline spaCy pipeline the NLU uses: a blank tokenizer plus a rule-based entity ruler."""
