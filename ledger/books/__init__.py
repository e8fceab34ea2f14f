"""The write side: each batch of records is booked in one transaction (entries, positions,
receipts, rejections), programs are evaluated into standings and alerts, and outbox rows wait
for the worker to send them. The audit checks the books against themselves."""
