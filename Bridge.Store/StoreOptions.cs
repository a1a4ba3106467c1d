using System.ComponentModel.DataAnnotations;

namespace Bridge.Store;

/// <summary>Settings of the store, section <c>Bridge:Store</c>; the connection string is <c>ConnectionStrings:bridgedb</c>.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Store";

    /// <summary>The name of the connection string (<c>ConnectionStrings:bridgedb</c>).</summary>
    public const string ConnectionName = "bridgedb";

    /// <summary>The database provider: <c>sqlite</c> (the embedded default) or <c>postgresql</c>.</summary>
    [Required]
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Connection string used when <c>ConnectionStrings:bridgedb</c> is not set; when neither is, SQLite uses
    /// <c>Data Source=data/bridge.db</c> and PostgreSQL fails start-up.
    /// </summary>
    public string? DefaultConnectionString { get; set; }

    /// <summary>How long start-up keeps trying to reach the database before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
