"""Counting: the anonymised ballot data, its fingerprint, and the result computed from that data alone.

Nothing here keeps a running counter: the result is always recomputed from
the stored online choices and the boxes' agreed counts. `open_data(ballot)` is
exactly what `/votes/<id>/data.json` publishes, `fingerprint(data)` is the
SHA-256 of those bytes, and `result_from_data(data)` is the whole count, so
anyone holding the file can re-count and compare.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Count

from votes.models import (
    Answer,
    Ballot,
    BallotBox,
    BoxTallyEntry,
    Choice,
    Participation,
    QuestionKind,
)

YES_NO_ANSWERS = (Answer.YES, Answer.NO, Answer.ABSTAIN)


# --- paper boxes: two officers' latest entries must agree ------------------------------


@dataclass
class BoxState:
    """Where a box's count stands: its officers' latest entries, and whether they agree."""

    box: BallotBox
    latest: dict[int, BoxTallyEntry] = field(
        default_factory=dict
    )  # officer id -> entry
    checked_in: int = 0

    @property
    def entered_by(self) -> list[int]:
        return sorted(self.latest)

    @property
    def agreed(self) -> bool:
        return (
            len(self.latest) >= 2
            and len({_entry_key(e) for e in self.latest.values()}) == 1
        )

    @property
    def mismatch(self) -> bool:
        return len(self.latest) >= 2 and not self.agreed

    @property
    def agreed_entry(self) -> BoxTallyEntry | None:
        return next(iter(self.latest.values())) if self.agreed else None


def normalise_counts(counts: dict) -> dict[str, int]:
    """Counts without zeros, keys sorted: two entries that say the same thing compare equal."""
    return {key: int(value) for key, value in sorted(counts.items()) if int(value)}


def _entry_key(entry: BoxTallyEntry) -> str:
    return json.dumps(
        [entry.paper_voters, normalise_counts(entry.counts)], sort_keys=True
    )


def box_states(ballot: Ballot) -> list[BoxState]:
    """Every box of the ballot with its officers' latest entries and its check-ins (three queries)."""
    states = {box.pk: BoxState(box) for box in ballot.boxes.all()}
    for entry in BoxTallyEntry.objects.filter(box__ballot=ballot).order_by(
        "created_at", "id"
    ):
        states[entry.box_id].latest[entry.officer_id] = entry
    checked = (
        Participation.objects.filter(ballot=ballot, box__isnull=False)
        .values("box_id")
        .annotate(n=Count("id"))
    )
    for row in checked:
        if row["box_id"] in states:
            states[row["box_id"]].checked_in = row["n"]
    return list(states.values())


def count_key(
    question_id: int, item_id: int, answer: str, rank: int | None = None
) -> str:
    return f"{question_id}:{item_id}:{answer if rank is None else f'r{rank}'}"


def count_keys(question) -> list[tuple[str, object, str]]:
    """The marks a box's count form asks for, per question: (key, item, label)."""
    keys = []
    for item in question.items.all():
        if question.kind == QuestionKind.YES_NO:
            for answer in YES_NO_ANSWERS:
                keys.append((count_key(question.pk, item.pk, answer), item, answer))
        elif question.kind == QuestionKind.RANKED:
            for rank in range(1, question.max_picks + 1):
                keys.append(
                    (
                        count_key(question.pk, item.pk, Answer.PICK, rank),
                        item,
                        f"r{rank}",
                    )
                )
        else:
            keys.append(
                (count_key(question.pk, item.pk, Answer.PICK), item, Answer.PICK)
            )
    return keys


# --- the open data ----------------------------------------------------------------------


def open_data(ballot: Ballot) -> dict:
    """The anonymised ballot in a canonical form: online choices as sorted rows, each box's agreed counts.

    No receipt hashes, no paper grouping, no ids of papers or choices, no times
    of voting: nothing that identifies a voter or lets a receipt reveal a choice.
    """
    questions = list(
        ballot.questions.prefetch_related("items").order_by("position", "id")
    )
    rows = (
        Choice.objects.filter(paper__ballot=ballot)
        .values_list("question_id", "item_id", "answer", "rank")
        .order_by()
    )
    online = sorted([q, i, a, r or 0] for q, i, a, r in rows)
    online_voters = Participation.objects.filter(
        ballot=ballot, channel="online"
    ).count()
    boxes = []
    for state in box_states(ballot):
        entry = state.agreed_entry
        boxes.append(
            {
                "id": state.box.pk,
                "name": state.box.name,
                "kind": state.box.kind,
                "checked_in": state.checked_in,
                "agreed": entry is not None,
                "paper_voters": entry.paper_voters if entry else 0,
                "counts": normalise_counts(entry.counts) if entry else {},
            }
        )
    return {
        "format": "dongne-ballot-1",
        "ballot": {
            "id": ballot.pk,
            "title": ballot.title,
            "association": ballot.dong.title if ballot.dong_id else "",
        },
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "max_picks": q.max_picks,
                "winners": q.winners,
                "quorum": q.quorum,
                "items": [
                    {"id": item.pk, "title": item.title, "source_key": item.source_key}
                    for item in q.items.all()
                ],
            }
            for q in questions
        ],
        "online_voters": online_voters,
        "online_choices": online,
        "boxes": sorted(boxes, key=lambda b: b["id"]),
    }


def canonical_bytes(data: dict) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def fingerprint(data: dict) -> str:
    """SHA-256 of the published data.json: `sha256sum data.json` gives the same."""
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


# --- the count --------------------------------------------------------------------------


def result_from_data(data: dict) -> dict:
    """The full result from the open data alone (what the certify service stores and publishes)."""
    marks: dict[str, int] = {}
    for q, i, answer, rank in data["online_choices"]:
        key = count_key(q, i, answer, rank or None)
        marks[key] = marks.get(key, 0) + 1
    paper_voters = checked_in = 0
    for box in data["boxes"]:
        if not box["agreed"]:
            continue
        paper_voters += box["paper_voters"]
        for key, value in box["counts"].items():
            marks[key] = marks.get(key, 0) + value
    checked_in = sum(box["checked_in"] for box in data["boxes"])
    questions = [_question_result(q, marks) for q in data["questions"]]
    return {
        "participants": {
            "online": data["online_voters"],
            "checked_in": checked_in,
            "paper_voters": paper_voters,
            "total": data["online_voters"] + checked_in + paper_voters,
        },
        "boxes_pending": [b["id"] for b in data["boxes"] if not b["agreed"]],
        "questions": questions,
    }


def _question_result(q: dict, marks: dict[str, int]) -> dict:
    items = []
    for item in q["items"]:
        row = {
            "id": item["id"],
            "title": item["title"],
            "source_key": item["source_key"],
        }
        if q["kind"] == QuestionKind.YES_NO:
            for answer in YES_NO_ANSWERS:
                row[answer] = marks.get(count_key(q["id"], item["id"], answer), 0)
            row["valid"] = row["yes"] + row["no"]
            row["quorum_met"] = row["valid"] >= q["quorum"]
            row["selected"] = bool(
                row["valid"] and row["quorum_met"] and row["yes"] * 2 > row["valid"]
            )
            row["votes"] = row["yes"]
        elif q["kind"] == QuestionKind.RANKED:
            ranks = q["max_picks"]
            by_rank = [
                marks.get(count_key(q["id"], item["id"], Answer.PICK, r), 0)
                for r in range(1, ranks + 1)
            ]
            row["by_rank"] = by_rank
            row["picks"] = sum(by_rank)
            row["points"] = sum(n * (ranks - r) for r, n in enumerate(by_rank))
            row["votes"] = row["points"]
        else:
            row["picks"] = row["votes"] = marks.get(
                count_key(q["id"], item["id"], Answer.PICK), 0
            )
        items.append(row)
    result = {
        "id": q["id"],
        "text": q["text"],
        "kind": q["kind"],
        "items": items,
        "tie": False,
    }
    if q["kind"] != QuestionKind.YES_NO:
        order = sorted(
            items, key=lambda r: -r["votes"]
        )  # stable: ties keep the ballot's order
        winners = [r for r in order[: q["winners"]] if r["votes"] > 0]
        for r in items:
            r["selected"] = r in winners
        if len(order) > q["winners"] and winners:
            result["tie"] = (
                order[q["winners"]]["votes"] == order[q["winners"] - 1]["votes"]
            )
        result["valid"] = sum(r.get("picks", 0) for r in items)
    else:
        result["valid"] = sum(r["valid"] for r in items)
    return result


def compute(ballot: Ballot) -> tuple[dict, dict, str]:
    """(open data, result, fingerprint) for the ballot as it stands."""
    data = open_data(ballot)
    return data, result_from_data(data), fingerprint(data)
