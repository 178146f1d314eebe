"""departments (职能部门): the department list, department accounts and what they read

* ``departments``: the list a township dispatches to (code, name, township or none for
  all, active), empty at first: until a township has departments its dispatch target
  stays free text, as before.
* ``users.department``: a department account's department (NULL for the other roles).
* ``department_records``: what each department may read (the events dispatched to it,
  their steps and attachments); empty, as no dispatch named a department yet.

Revision ID: 0008_departments
Revises: 0007_event_loop
Create Date: 2026-12-03 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_departments"
down_revision = "0007_event_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("township_id", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departments")),
    )
    op.create_table(
        "department_records",
        sa.Column("department", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "department", "kind", "record_id", name=op.f("pk_department_records")
        ),
    )
    op.create_index(
        "ix_department_records_record", "department_records", ["kind", "record_id"], unique=False
    )
    op.add_column("users", sa.Column("department", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # Not a batch (a copy of the table): tokens and devices refer to users. SQLite has
    # dropped columns in place since 3.35.
    op.execute("ALTER TABLE users DROP COLUMN department")
    op.drop_index("ix_department_records_record", table_name="department_records")
    op.drop_table("department_records")
    op.drop_table("departments")
