using System.ComponentModel.DataAnnotations;

namespace Bridge.Publisher.Xml;

/// <summary>Limits of the XML path, section <c>Bridge:Publisher:Xml</c>.</summary>
public sealed class XmlOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Publisher:Xml";

    /// <summary>How long one transform may run.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan TransformTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most characters a transform may output (the JSON it makes).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxOutputChars { get; set; } = 1024 * 1024;

    /// <summary>Largest stylesheet accepted, in characters.</summary>
    [Range(1, 4 * 1024 * 1024)]
    public int MaxStylesheetChars { get; set; } = 256 * 1024;

    /// <summary>Transforms running at once; a transform that outlives its time limit keeps its slot until it ends.</summary>
    [Range(1, 256)]
    public int MaxConcurrentTransforms { get; set; } = 8;

    /// <summary>How often a process looks for a newer transform registered elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
