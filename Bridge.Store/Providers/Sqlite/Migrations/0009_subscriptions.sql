-- 0009 subscriptions: webhook subscriptions made through the API (REST hooks). Secrets are encrypted; a deleted
-- subscription stays as a tombstone until its broker queue is removed. Times are Unix milliseconds.

CREATE TABLE "subscriptions" (
    "Topic" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Url" TEXT NOT NULL,
    "Settings" TEXT NOT NULL,
    "ProtectedSecret" TEXT NOT NULL,
    "ProtectedPreviousSecret" TEXT NULL,
    "PreviousSecretExpiresAt" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    "DeletedAt" INTEGER NULL,
    "Version" INTEGER NOT NULL,
    CONSTRAINT "PK_subscriptions" PRIMARY KEY ("Topic", "Name")
);
