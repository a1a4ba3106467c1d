-- 0016 sources: the events each broker source has published (so a redelivered broker message is not published twice),
-- and the broker messages a source could not read, kept byte for byte until replayed or purged. Times are Unix milliseconds (bigint).

CREATE TABLE source_receipts (
    "Source" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ReceivedAt" bigint NOT NULL,
    CONSTRAINT "PK_source_receipts" PRIMARY KEY ("Source", "MessageId")
);

CREATE INDEX "IX_source_receipts_ReceivedAt" ON source_receipts ("ReceivedAt");

CREATE TABLE source_dead_letters (
    "Id" bigint IDENTITY(1,1),
    "Source" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Topic" nvarchar(63) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "MessageId" nvarchar(256) COLLATE Latin1_General_100_BIN2,
    "Reason" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Description" nvarchar(2000) COLLATE Latin1_General_100_BIN2,
    "ContentType" nvarchar(256) COLLATE Latin1_General_100_BIN2,
    "Headers" nvarchar(max) NOT NULL,
    "Body" varbinary(max) NOT NULL,
    "DeadLetteredAt" bigint NOT NULL,
    "State" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "ResolvedAt" bigint,
    "ResolvedBy" nvarchar(128) COLLATE Latin1_General_100_BIN2,
    "ReplayedIds" nvarchar(max),
    CONSTRAINT "PK_source_dead_letters" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_source_dead_letters_Source_State_Id" ON source_dead_letters ("Source", "State", "Id");
