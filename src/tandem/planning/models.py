"""Planning's rows. Each belongs to one practice and is read through a ``visible_to`` scope."""
