"""Measuring answer and retrieval quality: the QA-file evaluation and BEIR-style retrieval scoring."""
