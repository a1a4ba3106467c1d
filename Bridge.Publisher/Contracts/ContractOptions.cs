using System.ComponentModel.DataAnnotations;

namespace Bridge.Publisher.Contracts;

/// <summary>Contract checks on publish, section <c>Bridge:Publisher:Contracts</c>.</summary>
public sealed class ContractOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Publisher:Contracts";

    /// <summary>When true, an event whose type has no contract is refused (422 <c>no-contract</c>); when false it passes unchecked.</summary>
    public bool Required { get; set; }

    /// <summary>
    /// How long this process trusts what it knows of a type's latest version before asking the store again; registrations made
    /// through this process apply at once, those made through another within this interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest schema accepted on registration, in bytes of its JSON.</summary>
    [Range(64, 4 * 1024 * 1024)]
    public int MaxSchemaBytes { get; set; } = 256 * 1024;

    /// <summary>Most errors listed in one 422 answer (the rest are counted in its detail).</summary>
    [Range(1, 10_000)]
    public int MaxErrors { get; set; } = 500;
}
