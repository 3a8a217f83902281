"""Anonymous reporting channel: intake surface and its cryptography."""
