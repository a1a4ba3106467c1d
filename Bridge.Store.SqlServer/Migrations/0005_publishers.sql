-- 0005 publishers: who may call Bridge, with which scopes, and their keys (API-key secrets only as SHA-256 hashes,
-- HMAC secrets encrypted). Times are Unix milliseconds (bigint).

CREATE TABLE publishers (
    "Id" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Name" nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Scopes" nvarchar(4000) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "RateLimitPerSecond" integer,
    "CreatedAt" bigint NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    CONSTRAINT "PK_publishers" PRIMARY KEY ("Id")
);

CREATE TABLE publisher_keys (
    "KeyId" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "PublisherId" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "Kind" nvarchar(16) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "SecretHash" nvarchar(64) COLLATE Latin1_General_100_BIN2,
    "ProtectedSecret" nvarchar(1024) COLLATE Latin1_General_100_BIN2,
    "CreatedAt" bigint NOT NULL,
    "ExpiresAt" bigint,
    "RevokedAt" bigint,
    "ReplacedBy" nvarchar(32) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_publisher_keys" PRIMARY KEY ("KeyId")
);

CREATE INDEX "IX_publisher_keys_PublisherId" ON publisher_keys ("PublisherId");
