namespace Bridge.Store.Idempotency;

/// <summary>The table of idempotency keys and the one statement EF cannot express on every provider alike.</summary>
public static class IdempotencyTable
{
    /// <summary>The table name.</summary>
    public const string Name = "idempotency_keys";

    /// <summary>
    /// Inserts the claim unless a row with the same key exists (SQLite and PostgreSQL share this syntax); parameters
    /// in order: scope, topic, key, fingerprint, state, claim token, created, lease expiry, expiry (times in Unix
    /// milliseconds). Affects one row when the claim was taken, none when the key was already there.
    /// </summary>
    public const string InsertClaimSql = """
        INSERT INTO "idempotency_keys" ("Scope", "Topic", "Key", "Fingerprint", "State", "ClaimToken", "CreatedAt", "LeaseExpiresAt", "ExpiresAt")
        VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8})
        ON CONFLICT ("Scope", "Topic", "Key") DO NOTHING
        """;
}
