using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// The limits Bridge's publisher applies to event attributes, applied to envelopes from sources: whatever a source
/// delivers could equally have been published. The id and correlation id travel as HTTP headers on every delivery, so
/// they are visible ASCII.
/// </summary>
internal static class AttributeRules
{
    /// <summary>Longest id and correlation id.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Longest type.</summary>
    public const int MaxTypeLength = 256;

    /// <summary>Longest source, subject, dataschema and extension value.</summary>
    public const int MaxTextLength = 1024;

    /// <summary>Longest ordering key.</summary>
    public const int MaxOrderingKeyLength = 128;

    /// <summary>Most extension attributes (properties) on one envelope.</summary>
    public const int MaxProperties = 32;

    /// <summary>Values in failure descriptions: quoted, control characters escaped, other text as it is.</summary>
    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True for a value that can be an id or correlation id: 1 to <see cref="MaxIdLength"/> visible ASCII characters.</summary>
    public static bool IsHeaderSafe([NotNullWhen(true)] string? value) =>
        value is { Length: > 0 and <= MaxIdLength } && value.All(c => c is > ' ' and < (char)127);

    /// <summary>
    /// Checks every attribute of <paramref name="envelope"/>. A value from the mapping (named in <paramref name="origins"/>)
    /// that breaks a rule is <see cref="SourceFailureReasons.MappingFailed"/>; one the CloudEvent carried itself is
    /// <see cref="SourceFailureReasons.InvalidCloudEvent"/>.
    /// </summary>
    /// <exception cref="SourceRejectedException">An attribute breaks a rule.</exception>
    public static void Check(Envelope envelope, IReadOnlyDictionary<string, string> origins, bool cloudEvent)
    {
        var check = new Checker(origins, cloudEvent);
        check.HeaderSafe(CloudEventAttributes.Id, envelope.Id);
        check.Text(CloudEventAttributes.Type, envelope.Type, MaxTypeLength);
        check.Text(CloudEventAttributes.Source, envelope.Source, MaxTextLength);
        if (!Uri.TryCreate(envelope.Source, UriKind.RelativeOrAbsolute, out _))
        {
            check.Fail(CloudEventAttributes.Source, envelope.Source, "must be a URI reference.");
        }

        check.Text(CloudEventAttributes.Subject, envelope.Subject, MaxTextLength);
        check.Text(CloudEventAttributes.DataSchema, envelope.DataSchema, MaxTextLength);
        if (envelope.DataSchema is not null && !Uri.TryCreate(envelope.DataSchema, UriKind.Absolute, out _))
        {
            check.Fail(CloudEventAttributes.DataSchema, envelope.DataSchema, "must be an absolute URI.");
        }

        if (!MediaTypeHeaderValue.TryParse(envelope.DataContentType, out _))
        {
            check.Fail(CloudEventAttributes.DataContentType, envelope.DataContentType, "must be a media type such as 'text/plain'.");
        }

        check.HeaderSafe(CloudEventAttributes.CorrelationId, envelope.CorrelationId);
        check.Text(CloudEventAttributes.PartitionKey, envelope.OrderingKey, MaxOrderingKeyLength);
        if (envelope.Properties.Count > MaxProperties)
        {
            throw new SourceRejectedException(
                cloudEvent ? SourceFailureReasons.InvalidCloudEvent : SourceFailureReasons.MappingFailed,
                $"The event has {envelope.Properties.Count} extension attributes; at most {MaxProperties} are carried.");
        }

        foreach (var (name, value) in envelope.Properties)
        {
            if (!CloudEventAttributes.IsValidExtensionName(name) || CloudEventAttributes.IsReserved(name))
            {
                check.Fail(name, value, "has no valid extension attribute name: 1-20 lower-case letters or digits, not a CloudEvents or Bridge attribute.");
            }
            check.Text(name, value, MaxTextLength);
        }
    }

    /// <summary>Fails with a message naming the attribute, its value and where the value came from.</summary>
    private sealed class Checker(IReadOnlyDictionary<string, string> origins, bool cloudEvent)
    {
        public void HeaderSafe(string attribute, string value)
        {
            if (!IsHeaderSafe(value))
            {
                Fail(attribute, value, $"must be 1 to {MaxIdLength} visible ASCII characters (no spaces): it is sent as an HTTP header on delivery.");
            }
        }

        public void Text(string attribute, string? value, int maxLength)
        {
            if (value is null)
            {
                return;
            }

            if (value.Length == 0 || value.Length > maxLength)
            {
                Fail(attribute, value, $"must be 1 to {maxLength} characters.");
            }
            if (value.Any(char.IsControl))
            {
                Fail(attribute, value, "must not contain control characters.");
            }
        }

        public void Fail(string attribute, string? value, string rule)
        {
            var origin = origins.TryGetValue(attribute, out var named) ? named : null;
            var reason = origin is null && cloudEvent ? SourceFailureReasons.InvalidCloudEvent : SourceFailureReasons.MappingFailed;
            var shown = value is null ? "" : " " + JsonSerializer.Serialize(value.Length > 80 ? value[..80] + "…" : value, Quoting);
            throw new SourceRejectedException(reason, $"{attribute}{shown} (from {origin ?? (cloudEvent ? "the CloudEvent" : "the message")}) {rule}");
        }
    }
}
