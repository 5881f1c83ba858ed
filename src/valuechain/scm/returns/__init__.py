"""Returns: Customer returns (RMA): authorisation, receipt, inspection, disposition, refunds."""
