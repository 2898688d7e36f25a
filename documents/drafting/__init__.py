"""Drafting outgoing letters (issue 5): the letter body sanitiser and the official PDF renderer."""
