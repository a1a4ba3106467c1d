using Attributes = System.Collections.Generic.IReadOnlyDictionary<string, object?>;

namespace Bridge.Tests.Telemetry;

/// <summary>Span kinds as OTLP numbers them.</summary>
public enum OtlpSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>A span as an OTLP receiver got it, with the attributes of the resource that sent it.</summary>
public sealed record OtlpSpan(
    Attributes Resource, string TraceId, string SpanId, string? ParentSpanId, string Name, OtlpSpanKind Kind,
    Attributes Attributes, IReadOnlyList<OtlpEvent> Events, IReadOnlyList<OtlpLink> Links, int StatusCode, string? StatusMessage)
{
    /// <summary>OTLP status code of an error.</summary>
    public const int Error = 2;

    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

/// <summary>An event of a span.</summary>
public sealed record OtlpEvent(string Name, Attributes Attributes);

/// <summary>A link of a span.</summary>
public sealed record OtlpLink(string TraceId, string SpanId);

/// <summary>One data point of a histogram with explicit bucket boundaries.</summary>
public sealed record OtlpHistogramPoint(
    string Metric, string Unit, Attributes Attributes, ulong Count, double Sum, IReadOnlyList<double> Bounds, IReadOnlyList<ulong> BucketCounts);

/// <summary>One data point of a gauge of whole numbers.</summary>
public sealed record OtlpGaugePoint(string Metric, Attributes Attributes, long Value);

/// <summary>Decodes OTLP/HTTP protobuf export requests (opentelemetry-proto: trace/v1, metrics/v1, common/v1).</summary>
internal static class OtlpDecoder
{
    /// <summary>ExportTraceServiceRequest → resource_spans(1) → resource(1), scope_spans(2) → spans(2).</summary>
    public static IEnumerable<OtlpSpan> Spans(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Messages(ProtoReader.Read(request), 1))
        {
            var resource = ResourceOf(resourceSpans);
            foreach (var span in Messages(resourceSpans, 2).SelectMany(scope => Messages(scope, 2)))
            {
                var status = Messages(span, 15).FirstOrDefault();
                var parent = Field(span, 4)?.Hex;
                yield return new OtlpSpan(
                    resource,
                    Field(span, 1)!.Value.Hex,
                    Field(span, 2)!.Value.Hex,
                    string.IsNullOrEmpty(parent) ? null : parent,
                    Field(span, 5)?.Text ?? "",
                    (OtlpSpanKind)(int)(Field(span, 6)?.Scalar ?? 0),
                    AttributesOf(span, 9),
                    [.. Messages(span, 11).Select(e => new OtlpEvent(Field(e, 2)?.Text ?? "", AttributesOf(e, 3)))],
                    [.. Messages(span, 13).Select(l => new OtlpLink(Field(l, 1)!.Value.Hex, Field(l, 2)!.Value.Hex))],
                    status is null ? 0 : (int)(Field(status, 3)?.Scalar ?? 0),
                    status is null ? null : Field(status, 2)?.Text);
            }
        }
    }

    /// <summary>ExportMetricsServiceRequest → resource_metrics(1) → scope_metrics(2) → metrics(2) → histogram(9) → data_points(1).</summary>
    public static IEnumerable<OtlpHistogramPoint> HistogramPoints(ReadOnlyMemory<byte> request)
    {
        foreach (var metric in Messages(ProtoReader.Read(request), 1).SelectMany(r => Messages(r, 2)).SelectMany(s => Messages(s, 2)))
        {
            var name = Field(metric, 1)?.Text ?? "";
            var unit = Field(metric, 3)?.Text ?? "";
            foreach (var point in Messages(metric, 9).SelectMany(h => Messages(h, 1)))
            {
                yield return new OtlpHistogramPoint(
                    name, unit, AttributesOf(point, 9),
                    Field(point, 4)?.Scalar ?? 0,
                    Field(point, 5)?.Double ?? 0,
                    [.. ProtoReader.Repeated64(point, 7).Select(BitConverter.UInt64BitsToDouble)],
                    [.. ProtoReader.Repeated64(point, 6)]);
            }
        }
    }

    /// <summary>Metric: gauge(5) of NumberDataPoint(1): as_int(6), attributes(7).</summary>
    public static IEnumerable<OtlpGaugePoint> GaugePoints(ReadOnlyMemory<byte> request)
    {
        foreach (var metric in Messages(ProtoReader.Read(request), 1).SelectMany(r => Messages(r, 2)).SelectMany(s => Messages(s, 2)))
        {
            var name = Field(metric, 1)?.Text ?? "";
            foreach (var point in Messages(metric, 5).SelectMany(g => Messages(g, 1)))
            {
                if (Field(point, 6) is { } value)
                {
                    yield return new OtlpGaugePoint(name, AttributesOf(point, 7), (long)value.Scalar);
                }
            }
        }
    }

    private static Attributes ResourceOf(List<ProtoField> scoped) =>
        Messages(scoped, 1).Select(r => AttributesOf(r, 1)).FirstOrDefault() ?? new Dictionary<string, object?>();

    /// <summary>KeyValue: key(1), value(2) as AnyValue: string(1), bool(2), int(3), double(4).</summary>
    private static Dictionary<string, object?> AttributesOf(List<ProtoField> message, int number)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in Messages(message, number))
        {
            var value = Messages(pair, 2).FirstOrDefault()?.FirstOrDefault();
            attributes[Field(pair, 1)?.Text ?? ""] = value?.Number switch
            {
                1 => value.Value.Text,
                2 => value.Value.Scalar != 0,
                3 => (long)value.Value.Scalar,
                4 => value.Value.Double,
                _ => null,
            };
        }
        return attributes;
    }

    private static ProtoField? Field(List<ProtoField> message, int number)
    {
        foreach (var field in message)
        {
            if (field.Number == number)
            {
                return field;
            }
        }
        return null;
    }

    private static IEnumerable<List<ProtoField>> Messages(List<ProtoField> message, int number) =>
        message.Where(f => f.Number == number).Select(f => ProtoReader.Read(f.Bytes));
}
