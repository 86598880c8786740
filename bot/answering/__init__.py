"""Turning retrieved passages into a cited Answer: the Answer type, question analysis, the extractive
answerer, citations, and conversation state."""
