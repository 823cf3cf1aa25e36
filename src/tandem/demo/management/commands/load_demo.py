from typing import Any

from django.core.management.base import BaseCommand

from tandem.demo import loader as demo


class Command(BaseCommand):
    help = "Load the demo practice (once) and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.load()
        self.stdout.write("Demo practice " + ("created." if created else "already loaded."))
        rows = [("Role", "E-mail", "Password"), *demo.logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        self.stdout.write(line)
        for index, row in enumerate(rows):
            self.stdout.write(
                "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
            )
            if index == 0:
                self.stdout.write(line)
        self.stdout.write(line)
