using System.ComponentModel.DataAnnotations;

namespace Bridge.Publisher;

/// <summary>Limits and defaults of the publisher API, section <c>Bridge:Publisher</c>.</summary>
public sealed class PublisherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Publisher";

    /// <summary>Largest event body accepted on the single-event endpoint, in bytes (413 above).</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 256 * 1024;

    /// <summary>Largest batch body accepted, in bytes (413 above).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Most events in one batch.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>CloudEvents <c>source</c> used when the caller gives none.</summary>
    [Required]
    public string DefaultSource { get; set; } = "/bridge/publisher";

    /// <summary>CloudEvents <c>type</c> used when the caller gives none.</summary>
    [Required]
    public string DefaultType { get; set; } = "bridge.event";
}
