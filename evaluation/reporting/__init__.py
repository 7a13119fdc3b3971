"""The annual report: words, tables and figures built from the results tables."""
