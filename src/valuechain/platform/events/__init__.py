"""Events: the transactional outbox, in-process handlers and webhooks."""
