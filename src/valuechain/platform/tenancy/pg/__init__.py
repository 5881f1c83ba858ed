"""PostgreSQL backend that keeps RLS session settings in step with the execution context."""
