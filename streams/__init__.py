"""The moving parts: Faust app, agents, producers, embedded broker, CLI."""
