"""The clerk's registry pages (htmx, keyboard-first)."""
