"""Planning ahead (issue 12): working time, heads-ups, capacity across clients, short notice,
what the client owes, weekly check-ins and calendar feeds. Above ``work`` and ``clients``:
it reads their rows; they never import it."""
