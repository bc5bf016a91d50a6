"""Search in the application: index documents from listings, the outbox, pages, API, CLI."""
