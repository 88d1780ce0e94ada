import hashlib
import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Re-run a published draw: give its seed and a file with the entry tokens "
        "(one per line, any order). Prints the drawn order and its SHA-256; with "
        "--sha256, checks it against the published one. Uses nothing but the "
        "Python standard library (events.services.draw documents the algorithm)."
    )

    def add_arguments(self, parser):
        parser.add_argument("seed")
        parser.add_argument("tokens_file")
        parser.add_argument("--sha256", default="", help="the published SHA-256")

    def handle(self, *args, seed, tokens_file, sha256, **options):
        text = Path(tokens_file).read_text(encoding="utf-8")
        tokens = sorted(line.strip() for line in text.splitlines() if line.strip())
        random.Random(seed).shuffle(tokens)
        digest = hashlib.sha256("\n".join(tokens).encode()).hexdigest()
        for position, token in enumerate(tokens, 1):
            self.stdout.write(f"{position}\t{token}")
        self.stdout.write(f"sha256 {digest}")
        if sha256 and sha256.lower() != digest:
            raise CommandError("The SHA-256 does not match the published draw.")
        if sha256:
            self.stdout.write("matches the published draw")
