-- 0011 console sessions: each ops console session server-side, so sign-out and "sign out everywhere" end it at once
-- (the cookie alone no longer keeps it alive). Times are Unix milliseconds (bigint).

CREATE TABLE console_sessions (
    "Id" character varying(32) NOT NULL,
    "KeyId" character varying(32) NOT NULL,
    "PublisherId" character varying(64) NOT NULL,
    "CreatedAt" bigint NOT NULL,
    "ExpiresAt" bigint NOT NULL,
    "RevokedAt" bigint,
    "RevokedBy" character varying(64),
    CONSTRAINT "PK_console_sessions" PRIMARY KEY ("Id")
);

CREATE INDEX "IX_console_sessions_KeyId" ON console_sessions ("KeyId");
