namespace Bridge.Webhooks.Projection;

/// <summary>
/// A subscription's projection (<c>…:Webhook:Projection</c>, API field <c>projection</c>): a declarative mapping of the
/// envelope's <c>data</c> to what the webhook receives — select and rename with <see cref="Fields"/>, flatten nested
/// objects with <see cref="Flatten"/>, add <see cref="Constants"/>. No code runs. Checked by <see cref="ProjectionRules"/>,
/// applied by <see cref="WebhookProjection"/>.
/// </summary>
public sealed class ProjectionOptions
{
    /// <summary>
    /// Output name → RFC 6901 JSON Pointer into <c>data</c>, e.g. <c>"orderId": "/order/id"</c>. A pointer that finds
    /// nothing leaves its field out. Absent: the whole <c>data</c> is kept.
    /// </summary>
    public Dictionary<string, string>? Fields { get; set; }

    /// <summary>Output name → a string every call carries, e.g. <c>"channel": "bridge"</c>.</summary>
    public Dictionary<string, string>? Constants { get; set; }

    /// <summary>
    /// Separator (1-3 printable characters, e.g. <c>.</c> or <c>_</c>) that flattens nested objects into top-level names:
    /// <c>{"customer":{"name":"A"}}</c> becomes <c>{"customer.name":"A"}</c>. Arrays stay values. Absent: no flattening.
    /// </summary>
    public string? Flatten { get; set; }
}
