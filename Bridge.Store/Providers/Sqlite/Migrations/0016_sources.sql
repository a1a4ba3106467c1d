-- 0016 sources: the events each broker source has published (so a redelivered broker message is not published twice),
-- and the broker messages a source could not read, kept byte for byte until replayed or purged. Times are Unix milliseconds.

CREATE TABLE "source_receipts" (
    "Source" TEXT NOT NULL,
    "MessageId" TEXT NOT NULL,
    "ReceivedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_source_receipts" PRIMARY KEY ("Source", "MessageId")
);

CREATE INDEX "IX_source_receipts_ReceivedAt" ON "source_receipts" ("ReceivedAt");

CREATE TABLE "source_dead_letters" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_source_dead_letters" PRIMARY KEY AUTOINCREMENT,
    "Source" TEXT NOT NULL,
    "Topic" TEXT NOT NULL,
    "MessageId" TEXT NULL,
    "Reason" TEXT NOT NULL,
    "Description" TEXT NULL,
    "ContentType" TEXT NULL,
    "Headers" TEXT NOT NULL,
    "Body" BLOB NOT NULL,
    "DeadLetteredAt" INTEGER NOT NULL,
    "State" TEXT NOT NULL,
    "ResolvedAt" INTEGER NULL,
    "ResolvedBy" TEXT NULL,
    "ReplayedIds" TEXT NULL
);

CREATE INDEX "IX_source_dead_letters_Source_State_Id" ON "source_dead_letters" ("Source", "State", "Id");
