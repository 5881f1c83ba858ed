"""Background jobs: the queue (Huey) and tenant-aware task helpers."""
