using System.ComponentModel.DataAnnotations;

namespace Bridge.Subscriber.Endpoints;

/// <summary>Settings of endpoint pauses across processes, section <c>Bridge:Endpoints</c>.</summary>
public sealed class EndpointOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Endpoints";

    /// <summary>How often a subscriber takes up pauses and resumes written by other processes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(2);
}
