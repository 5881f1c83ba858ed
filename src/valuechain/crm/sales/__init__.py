"""Sales: pipelines, stages, opportunities and the sales forecast."""
