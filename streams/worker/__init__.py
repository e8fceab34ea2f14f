"""The worker: the Faust app and its agents, the batch loop and its failure policy, the booking
process beside Faust's loop, the broker's epoch watch, and what goes out (rejections, alerts,
webhooks)."""
