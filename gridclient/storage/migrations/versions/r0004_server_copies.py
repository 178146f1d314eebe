"""The server's copy of every record reaches the laptop that pushed it.

Before this revision a push answer raised the local version of the pushed record, so
the server's copy of that same version (with ``server_at`` and anything the server
normalised) was never applied: the version guard refused it as not newer. This revision

* adds ``visits.server_at`` (when the server received a visit; the server stamps it);
* adds ``held_records``: pulled records this laptop cannot store, kept aside with their
  reason while the pull goes on (see ``gridclient.sync.engine``);
* repairs laptops that synced with the old rule: the pull cursor goes back to the start
  and ``repull_equal`` makes that one full pull replace rows of the *same* version as
  well, so every record whose version was raised locally receives the server's copy.
  The engine clears the flag with the last page. Unsent local changes are put back on
  top by the rebase, as for any pulled page.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("visits", sa.Column("server_at", sa.DateTime(), nullable=True))
    op.create_table(
        "held_records",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id"),
    )
    connection = op.get_bind()
    pulled = connection.execute(
        sa.text("SELECT value FROM sync_state WHERE key = 'pull_cursor'")
    ).first()
    if pulled is not None and pulled[0] not in (None, '""', "null"):
        connection.execute(sa.text("UPDATE sync_state SET value = '\"\"' WHERE key = 'pull_cursor'"))
        connection.execute(
            sa.text("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('repull_equal', 'true')")
        )


def downgrade() -> None:
    op.execute("DELETE FROM sync_state WHERE key = 'repull_equal'")
    op.drop_table("held_records")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("server_at")
