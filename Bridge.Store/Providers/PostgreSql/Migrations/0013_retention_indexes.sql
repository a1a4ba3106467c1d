-- 0013 retention indexes: the time of each audit row that retention prunes by, so each batch of deletes finds the
-- oldest rows along an index (events already have "IX_events_AcceptedAt").

CREATE INDEX "IX_delivery_attempts_StartedAt" ON delivery_attempts ("StartedAt");
CREATE INDEX "IX_deliveries_LastAttemptAt" ON deliveries ("LastAttemptAt");
CREATE INDEX "IX_dead_letters_DeadLetteredAt" ON dead_letters ("DeadLetteredAt");
CREATE INDEX "IX_replays_ReplayedAt" ON replays ("ReplayedAt");
