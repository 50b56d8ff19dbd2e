"""Search a project: words, phrases and regular expressions, with hits shown in context."""
