using System.Text.RegularExpressions;

namespace Bridge.Envelopes;

/// <summary>Names and rules of the CloudEvents 1.0 attributes Bridge writes.</summary>
public static partial class CloudEventAttributes
{
    public const string SpecVersion = "specversion";
    public const string Id = "id";
    public const string Source = "source";
    public const string Type = "type";
    public const string Subject = "subject";
    public const string Time = "time";
    public const string DataContentType = "datacontenttype";
    public const string DataSchema = "dataschema";
    public const string Data = "data";
    public const string DataBase64 = "data_base64";
    public const string CorrelationId = "correlationid";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string PartitionKey = "partitionkey";
    public const string Publisher = "publisher";

    /// <summary>The media type of a CloudEvent in structured JSON mode.</summary>
    public const string StructuredMediaType = "application/cloudevents+json";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        SpecVersion, Id, Source, Type, Subject, Time, DataContentType, DataSchema, Data, DataBase64,
        CorrelationId, TraceParent, TraceState, PartitionKey, Publisher,
    };

    /// <summary>True when <paramref name="name"/> is an attribute Bridge sets itself.</summary>
    public static bool IsReserved(string name) => Reserved.Contains(name);

    /// <summary>CloudEvents attribute names: lower-case ASCII letters and digits, at most 20 characters.</summary>
    public static bool IsValidExtensionName(string name) => ExtensionName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExtensionName();
}
