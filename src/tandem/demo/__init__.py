"""The demo practice `make run` starts with. The top of the stack: it may import every app."""
