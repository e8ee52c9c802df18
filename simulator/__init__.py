"""`jit-engine simulate`: synthetic lifters with hidden truths driven through the real service path."""
