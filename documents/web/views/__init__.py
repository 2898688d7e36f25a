"""Registry web views: thin; each calls one service or selectors (documents.registry, documents.mailbox)."""
