"""Kafka as kuota uses it: the embedded broker, the topics, producers, `kuota emit` and the
officers' target files sent to the targets topic."""
