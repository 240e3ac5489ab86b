"""The HTTP API on the app's own server: `/v1` (OpenAI-compatible), `/api`, `/mcp`."""
