"""Output writers: each turns a Book into the bytes of one format."""
