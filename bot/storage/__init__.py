"""The database: one connection owner, numbered migrations, one repository module per aggregate."""
