"""valuechain: CRM and SCM for e-commerce in one modular Django monolith."""
