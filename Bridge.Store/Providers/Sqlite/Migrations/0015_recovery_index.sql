-- 0015 recovery index: a recovery job finds what a subscription delivered within a window along an index, not by
-- scanning every delivery the subscription made within retention.

CREATE INDEX "IX_deliveries_Topic_Subscription_Status_CompletedAt" ON "deliveries" ("Topic", "Subscription", "Status", "CompletedAt");
