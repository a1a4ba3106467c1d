using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bridge.Store.ConsoleSessions;

/// <summary>
/// An ops console session, server-side: the session cookie names it, and every console request checks it is neither
/// revoked (sign-out, "sign out everywhere") nor expired. The cookie alone is not enough to stay signed in.
/// </summary>
public sealed class ConsoleSessionRecord
{
    /// <summary>The session id (32 hex digits), carried in the protected cookie.</summary>
    public required string Id { get; set; }

    /// <summary>The key the operator signed in with.</summary>
    public required string KeyId { get; set; }

    /// <summary>The publisher (operator) the key belongs to.</summary>
    public required string PublisherId { get; set; }

    /// <summary>When it was opened.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it ends by itself.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was ended (sign-out or revocation); a revoked session fails at once.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Who ended it: the operator itself on sign-out, or the admin who signed everyone out.</summary>
    public string? RevokedBy { get; set; }
}

/// <summary>Maps <see cref="ConsoleSessionRecord"/> to <c>console_sessions</c> (migration 0011).</summary>
internal sealed class ConsoleSessionConfiguration : IEntityTypeConfiguration<ConsoleSessionRecord>
{
    public void Configure(EntityTypeBuilder<ConsoleSessionRecord> builder)
    {
        builder.ToTable("console_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(32);
        builder.Property(s => s.KeyId).HasMaxLength(32).IsRequired();
        builder.Property(s => s.PublisherId).HasMaxLength(64).IsRequired();
        builder.Property(s => s.RevokedBy).HasMaxLength(64);
        builder.HasIndex(s => s.KeyId);
    }
}
