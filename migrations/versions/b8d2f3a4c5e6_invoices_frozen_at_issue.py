"""Invoices frozen at issue (the document data and the e-invoice), credited as a status,
one credit note per invoice, payments with their amount, supplementary invoices, early
issues with their reason, and delivery records

Revision ID: b8d2f3a4c5e6
Revises: a7c1e2f3d4b5
Create Date: 2026-12-01 12:40:00

"""
import calendar
import datetime as dt
import json

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d2f3a4c5e6'
down_revision = 'a7c1e2f3d4b5'
branch_labels = None
depends_on = None

STATUSES_BEFORE = "'draft', 'issued', 'paid'"
STATUSES_AFTER = "'draft', 'issued', 'paid', 'credited'"


def upgrade():
    op.create_table('invoice_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('e_address', 'peppol', 'email', 'paper', name='channel_enum', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_delivery_invoice_id_invoice'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_invoice_delivery_recorded_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_delivery'))
    )
    with op.batch_alter_table('invoice_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_delivery_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_delivery_recorded_by_id'), ['recorded_by_id'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('supplements_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('early_issue_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('document', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('xml_file', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('pdf_file', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invoice_supplements_id'), ['supplements_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoice_supplements_id_invoice'), 'invoice', ['supplements_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_unique_constraint(batch_op.f('uq_invoice_credited_invoice_id'), ['credited_invoice_id'])
        batch_op.drop_constraint('status_enum', type_='check')
        batch_op.create_check_constraint('status_enum', f"status IN ({STATUSES_AFTER})")

    bind = op.get_bind()
    # Paid invoices were paid in full; credited ones get their status.
    bind.execute(sa.text("UPDATE invoice SET paid_amount = total_amount WHERE status = 'paid'"))
    bind.execute(sa.text(
        "UPDATE invoice SET status = 'credited' WHERE status = 'issued' AND id IN "
        "(SELECT credited_invoice_id FROM invoice WHERE credited_invoice_id IS NOT NULL)"))
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_check_constraint('paid_amount', "status != 'paid' OR paid_amount IS NOT NULL")
    _freeze_issued(bind)


def _freeze_issued(bind):
    """The documents of invoices issued before this revision, from the data as they stand
    now: the closest to what they showed that can still be known."""
    rows = bind.execute(sa.text(
        "SELECT i.id, i.year, i.month, i.credited_invoice_id, c.number, c.procurement, "
        "c.hourly_rate, c.vat_rate, c.vat_exemption_note, p.name, p.reg_number, p.vat_number, "
        "p.address, p.iban, p.email, p.phone, m.name, m.social_service, m.reg_number, "
        "m.address, m.email, m.phone FROM invoice i JOIN contract c ON c.id = i.contract_id "
        "JOIN provider p ON p.id = i.provider_id JOIN municipality m ON m.id = i.municipality_id "
        "WHERE i.status != 'draft' AND i.document IS NULL")).all()
    numbers = {r[0]: (r[1], r[2]) for r in bind.execute(sa.text(
        "SELECT id, number, issued_on FROM invoice WHERE number IS NOT NULL"))}
    for (invoice_id, year, month, credited_id, c_number, procurement, rate, vat_rate, note,
         p_name, p_reg, p_vat, p_address, p_iban, p_email, p_phone, m_name, m_service, m_reg,
         m_address, m_email, m_phone) in rows:
        vat_rate = float(vat_rate)
        code = "S" if vat_rate > 0 else ("E" if p_vat else "O")
        reason = "" if code == "S" else (note or "Pakalpojuma sniedzējs nav PVN maksātājs")
        last = calendar.monthrange(year, month)[1]
        credited = None
        if credited_id in numbers:
            number, issued_on = numbers[credited_id]
            credited = {"number": number, "issued_on": str(issued_on)[:10]}
        document = {
            "supplier": {"name": p_name, "reg_number": p_reg,
                         "vat_number": p_vat if code != "O" else None, "address": p_address,
                         "iban": p_iban, "email": p_email, "phone": p_phone},
            "customer": {"name": m_name, "social_service": m_service, "reg_number": m_reg,
                         "address": m_address, "email": m_email, "phone": m_phone},
            "contract": {"number": c_number, "procurement": procurement},
            "vat": {"category": code, "rate": f"{vat_rate:.2f}", "reason": reason},
            "hourly_rate": f"{float(rate):.2f}", "payment_days": 30,
            "period": {"start": dt.date(year, month, 1).isoformat(),
                       "end": dt.date(year, month, last).isoformat()},
            "credited": credited, "supplements": None,
        }
        bind.execute(sa.text("UPDATE invoice SET document = :d WHERE id = :id"),
                     {"d": json.dumps(document, ensure_ascii=False), "id": invoice_id})


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE invoice SET status = 'issued' WHERE status = 'credited'"))
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_constraint('paid_amount', type_='check')
        batch_op.drop_constraint('status_enum', type_='check')
        batch_op.create_check_constraint('status_enum', f"status IN ({STATUSES_BEFORE})")
        batch_op.drop_constraint(batch_op.f('uq_invoice_credited_invoice_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_invoice_supplements_id_invoice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoice_supplements_id'))
        for column in ('pdf_file', 'xml_file', 'document', 'early_issue_reason',
                       'supplements_id', 'paid_amount'):
            batch_op.drop_column(column)
    with op.batch_alter_table('invoice_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_delivery_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_delivery_invoice_id'))
    op.drop_table('invoice_delivery')
