"""Platform operators: verification queue and the numbers."""
