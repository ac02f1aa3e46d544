"""Guide editors' web pages: sign-in, drafts, review and publishing, glossary, quality dashboard."""
