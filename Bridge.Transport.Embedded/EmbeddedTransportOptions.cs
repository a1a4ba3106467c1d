using System.ComponentModel.DataAnnotations;

namespace Bridge.Transport.Embedded;

/// <summary>Settings of the embedded (SQLite) transport, section <c>Bridge:Embedded</c>.</summary>
public sealed class EmbeddedTransportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Embedded";

    /// <summary>SQLite connection string; by default <c>ConnectionStrings:messaging</c>, else <c>Data Source=data/broker.db</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/broker.db";

    /// <summary>
    /// True (default) syncs every commit to disk (<c>synchronous=FULL</c>): an accepted envelope survives power loss.
    /// False survives a process crash but not a power loss, and is faster.
    /// </summary>
    public bool SyncEveryCommit { get; set; } = true;

    /// <summary>Largest serialised envelope accepted, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Most operations grouped into one transaction (group commit).</summary>
    [Range(1, 10_000)]
    public int MaxOperationsPerCommit { get; set; } = 512;

    /// <summary>How often an idle receiver looks for messages written by another process or becoming visible.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
