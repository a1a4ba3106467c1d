-- 0005 publishers: who may call Bridge, with which scopes, and their keys (API-key secrets only as SHA-256 hashes,
-- HMAC secrets encrypted). Times are Unix milliseconds (bigint).

CREATE TABLE publishers (
    "Id" character varying(64) NOT NULL,
    "Name" character varying(200) NOT NULL,
    "Scopes" character varying(4000) NOT NULL,
    "RateLimitPerSecond" integer,
    "CreatedAt" bigint NOT NULL,
    "UpdatedAt" bigint NOT NULL,
    CONSTRAINT "PK_publishers" PRIMARY KEY ("Id")
);

CREATE TABLE publisher_keys (
    "KeyId" character varying(32) NOT NULL,
    "PublisherId" character varying(64) NOT NULL,
    "Kind" character varying(16) NOT NULL,
    "SecretHash" character varying(64),
    "ProtectedSecret" character varying(1024),
    "CreatedAt" bigint NOT NULL,
    "ExpiresAt" bigint,
    "RevokedAt" bigint,
    "ReplacedBy" character varying(32),
    CONSTRAINT "PK_publisher_keys" PRIMARY KEY ("KeyId")
);

CREATE INDEX "IX_publisher_keys_PublisherId" ON publisher_keys ("PublisherId");
