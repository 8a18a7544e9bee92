"""Evaluation scorers: hand-labelled corpora in tests/files/eval/<name>/, one module per corpus
(`make eval`)."""
