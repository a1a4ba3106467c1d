namespace Bridge.Webhooks;

/// <summary>How a webhook call carries the envelope. Every format is signed the same way, over the exact body sent.</summary>
public enum WebhookFormat
{
    /// <summary>The whole CloudEvent as the body, <c>application/cloudevents+json</c> (the default).</summary>
    Structured,

    /// <summary>The CloudEvents HTTP binary binding: <c>data</c> as the body with its <c>datacontenttype</c>, every other attribute a <c>ce-</c> header.</summary>
    Binary,

    /// <summary>Only <c>data</c> as the body; the id, type, source, subject, time and correlation id in <c>webhook-id</c> and <c>X-Event-*</c> headers.</summary>
    Data,
}

/// <summary>The names of <see cref="WebhookFormat"/> in configuration, the API and the console.</summary>
public static class WebhookFormats
{
    /// <summary>Every format's name, as the API accepts and shows it.</summary>
    public static IReadOnlyList<string> Names { get; } = ["structured", "binary", "data"];

    /// <summary>The lower-case name of <paramref name="format"/>.</summary>
    public static string Name(this WebhookFormat format) => format switch
    {
        WebhookFormat.Binary => "binary",
        WebhookFormat.Data => "data",
        _ => "structured",
    };

    /// <summary>Reads a format name (case-insensitive); false for anything else, numbers included.</summary>
    public static bool TryParse(string? name, out WebhookFormat format)
    {
        format = WebhookFormat.Structured;
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(name, Names[i], StringComparison.OrdinalIgnoreCase))
            {
                format = (WebhookFormat)i;
                return true;
            }
        }
        return false;
    }
}
