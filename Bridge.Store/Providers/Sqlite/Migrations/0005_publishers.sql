-- 0005 publishers: who may call Bridge, with which scopes, and their keys (API-key secrets only as SHA-256 hashes,
-- HMAC secrets encrypted). Times are Unix milliseconds.

CREATE TABLE "publishers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_publishers" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Scopes" TEXT NOT NULL,
    "RateLimitPerSecond" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

CREATE TABLE "publisher_keys" (
    "KeyId" TEXT NOT NULL CONSTRAINT "PK_publisher_keys" PRIMARY KEY,
    "PublisherId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "SecretHash" TEXT NULL,
    "ProtectedSecret" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    "ReplacedBy" TEXT NULL
);

CREATE INDEX "IX_publisher_keys_PublisherId" ON "publisher_keys" ("PublisherId");
