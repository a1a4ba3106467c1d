-- 0011 console sessions: each ops console session server-side, so sign-out and "sign out everywhere" end it at once
-- (the cookie alone no longer keeps it alive). Times are Unix milliseconds.

CREATE TABLE "console_sessions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_console_sessions" PRIMARY KEY,
    "KeyId" TEXT NOT NULL,
    "PublisherId" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL,
    "RevokedBy" TEXT NULL
);

CREATE INDEX "IX_console_sessions_KeyId" ON "console_sessions" ("KeyId");
