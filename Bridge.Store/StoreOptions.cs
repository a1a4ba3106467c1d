using System.ComponentModel.DataAnnotations;

namespace Bridge.Store;

/// <summary>Settings of the store, section <c>Bridge:Store</c>; the connection string is <c>ConnectionStrings:bridgedb</c>.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Store";

    /// <summary>The database provider. <c>sqlite</c> is the embedded default.</summary>
    [Required]
    [AllowedValues("sqlite")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Connection string used when <c>ConnectionStrings:bridgedb</c> is not set.</summary>
    [Required]
    public string DefaultConnectionString { get; set; } = "Data Source=data/bridge.db";
}
