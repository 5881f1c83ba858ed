"""Tables of attachments."""
