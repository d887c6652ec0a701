"""A member's own data: what the deployment holds about them, to read and to download."""
