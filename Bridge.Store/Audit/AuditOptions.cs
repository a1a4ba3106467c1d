namespace Bridge.Store.Audit;

/// <summary>What the audit trail keeps, section <c>Bridge:Store:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Store:Audit";

    /// <summary>
    /// Whether an accepted event's record keeps the whole envelope (its CloudEvent JSON, data included); when false only
    /// its attributes and size are kept.
    /// </summary>
    public bool KeepPayload { get; set; } = true;
}
