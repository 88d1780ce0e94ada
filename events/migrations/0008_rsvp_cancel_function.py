"""`events_rsvp_cancel`: a cancellation and the waiting list's move-up in one call (PostgreSQL only).

`events.services.rsvp` calls it for a resident who is going or waiting and
cancels. It takes the same locks in the same order as the Python path (the
date's row, then the resident's own row, then the waiting rows it moves up)
and applies the same rule as `events.services.rsvp.promote`: in order of
joining the list, everyone who fits moves up; a party too large for the
places left keeps its turn without blocking smaller parties behind it. One
round trip instead of six while the date's row is held: under a rush, each
round trip costs the holder a wait for its process's CPU, and everyone else
waits for the holder. On SQLite the Python path does the same.

It returns `handled = false` (and changes nothing) when the resident's row
is no longer going or waiting; the caller then takes the Python path.
"""

from django.db import migrations

FORWARD = [
    """
CREATE OR REPLACE FUNCTION events_rsvp_cancel(p_occurrence bigint, p_rsvp bigint)
RETURNS TABLE (handled boolean, going integer, waiting integer, promoted bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    mine record;
    line record;
    moved bigint[] := '{}';
    told bigint[] := '{}';
BEGIN
    SELECT o.going_count, o.waitlist_count, e.capacity INTO going, waiting, cap
    FROM events_occurrence o JOIN events_event e ON e.id = o.event_id
    WHERE o.id = p_occurrence
    FOR UPDATE OF o;
    SELECT r.status, r.guests INTO mine
    FROM events_rsvp r
    WHERE r.id = p_rsvp AND r.occurrence_id = p_occurrence
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, going, waiting, moved;
        RETURN;
    END IF;
    IF mine.status NOT IN ('going', 'waitlisted') THEN
        RETURN QUERY SELECT false, going, waiting, moved;
        RETURN;
    END IF;
    UPDATE events_rsvp SET status = 'cancelled' WHERE id = p_rsvp;
    IF mine.status = 'waitlisted' THEN
        waiting := waiting - 1;
    ELSE
        going := going - 1 - mine.guests;
        FOR line IN
            SELECT r.id, r.user_id, r.guests FROM events_rsvp r
            WHERE r.occurrence_id = p_occurrence AND r.status = 'waitlisted'
            ORDER BY r.waitlisted_at, r.id
        LOOP
            EXIT WHEN cap IS NOT NULL AND going >= cap;
            CONTINUE WHEN cap IS NOT NULL AND going + 1 + line.guests > cap;
            moved := moved || line.id;
            told := told || line.user_id;
            going := going + 1 + line.guests;
            waiting := waiting - 1;
        END LOOP;
        IF cardinality(moved) > 0 THEN
            UPDATE events_rsvp SET status = 'going' WHERE id = ANY(moved);
        END IF;
    END IF;
    UPDATE events_occurrence
    SET going_count = going, waitlist_count = waiting
    WHERE id = p_occurrence;
    RETURN QUERY SELECT true, going, waiting, told;
END;
$$
""",
]
BACKWARD = ["DROP FUNCTION IF EXISTS events_rsvp_cancel(bigint, bigint)"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0007_occurrence_ends_index")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
