"""Telegram adapters: parse the update, call a service, reply through the catalogue."""
