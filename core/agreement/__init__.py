"""Agreement between annotators, its figures, reports and the curation of a gold set."""
