from alembic import context

from ledger.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # invoked by the alembic CLI
    from ledger.db import make_engine

    with make_engine(config.get_main_option("sqlalchemy.url"), writer=True).connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
