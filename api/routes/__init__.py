"""Thin HTTP handlers: parse, call one service, return. No SQL and no rules here."""
