-- 0011 console sessions: each ops console session server-side, so sign-out and "sign out everywhere" end it at once
-- (the cookie alone no longer keeps it alive). Times are Unix milliseconds (bigint).

CREATE TABLE console_sessions (
    "Id" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "KeyId" nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "PublisherId" nvarchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "ExpiresAt" bigint NOT NULL,
    "RevokedAt" bigint,
    "RevokedBy" nvarchar(64) COLLATE Latin1_General_100_BIN2,
    CONSTRAINT "PK_console_sessions" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_console_sessions_KeyId" ON console_sessions ("KeyId");
