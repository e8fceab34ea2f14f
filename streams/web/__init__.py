"""The officers' HTTP API (FastAPI, OpenAPI) and the server-rendered dashboard over it."""
