"""Web shell: base layout, navigation, global search, area pages."""
