"""Documents: files an organization keeps on the platform (its library) or sends in a conversation."""
