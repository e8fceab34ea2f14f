"""The books: models, idempotent recording, pure rules and the read side."""
