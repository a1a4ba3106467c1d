namespace Bridge.Standalone.Samples;

/// <summary>Development-only samples, section <c>Bridge:Samples</c>. Off unless configured (on in appsettings.Development.json).</summary>
public sealed class SampleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Samples";

    /// <summary>Hosts the sample webhook receiver at <c>/samples/webhook</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Publishes one welcome event at start-up so a first run shows an event going all the way through.</summary>
    public bool SendWelcomeEvent { get; set; }
}
