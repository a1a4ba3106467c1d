-- 0008 outbox: envelopes accepted for a remote broker, kept until the broker confirms them; and the lease of the one
-- process that forwards them. Times are Unix milliseconds (bigint).

CREATE TABLE outbox (
    "Sequence" bigint IDENTITY(1,1),
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CorrelationId" nvarchar(128) COLLATE Latin1_General_100_BIN2,
    "Envelope" varbinary(max) NOT NULL,
    "ScheduledEnqueueTime" bigint,
    "CreatedAt" bigint NOT NULL,
    "FailedAt" bigint,
    "Error" nvarchar(1000) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_outbox" PRIMARY KEY ("Sequence")
);

CREATE INDEX "IX_outbox_FailedAt" ON outbox ("FailedAt");

CREATE TABLE outbox_lease (
    "Name" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Holder" nvarchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ExpiresAt" bigint NOT NULL,
    CONSTRAINT "PK_outbox_lease" PRIMARY KEY ("Name")
);

INSERT INTO outbox_lease ("Name", "Holder", "ExpiresAt") VALUES ('dispatcher', '', 0);
