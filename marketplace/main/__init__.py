"""The home page, language switch and error pages."""
