using System.Net.Mime;
using System.Text;
using System.Text.Json;
using Bridge.Envelopes;
using Bridge.Publisher.Publishing;
using Bridge.Webhooks;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using StandardWebhooks;

namespace Bridge.Benchmarks.Standards;

/// <summary>
/// Bridge's own Standard Webhooks signer and CloudEvents readers beside the official libraries (StandardWebhooks,
/// CloudNative.CloudEvents + SystemTextJson), each producing what the product needs (a signature header; the event's
/// attributes and data bytes): nanoseconds and bytes allocated per call, then how each treats the edge cases
/// (<see cref="StandardsCases"/>). Prints markdown.
/// </summary>
internal static class StandardsComparison
{
    private const int MaxEventBytes = 1 << 20;
    private static readonly JsonEventFormatter Formatter = new();
    private static readonly ContentType Structured = new(CloudEventAttributes.StructuredMediaType);
    private static readonly ContentType Batch = new(StructuredEvent.BatchMediaType);

    private static readonly Dictionary<string, string> BinaryHeaders = new(StringComparer.Ordinal)
    {
        ["ce-specversion"] = "1.0",
        ["ce-id"] = "evt-1",
        ["ce-source"] = "/erp/sap",
        ["ce-type"] = "order.created",
        ["ce-subject"] = "orders/12345",
        ["ce-correlationid"] = "corr-42",
        ["ce-region"] = "eu",
    };

    public static int Run()
    {
        Console.WriteLine("| operation | Bridge (ns/op) | library (ns/op) | Bridge (B/op) | library (B/op) |");
        Console.WriteLine("|---|---|---|---|---|");
        Signing(300);
        Signing(16 * 1024);
        var single = Encoding.UTF8.GetBytes(StructuredJson(Payloads.Event(0)));
        Row("structured event, parse (~600 B)", 50_000,
            () => Ours(single),
            () => FromLibrary(Formatter.DecodeStructuredModeMessage(single, Structured, null)));
        var batch = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(StructuredJson(Payloads.Event(0)), 50)) + "]");
        Row("batch of 50 structured events, parse", 2_000,
            () => OursBatch(batch),
            () => Formatter.DecodeBatchModeMessage(batch, Batch, null).Select(FromLibrary).ToList());
        var body = Encoding.UTF8.GetBytes(Payloads.Event(0));
        Row("binary mode (ce- headers + JSON body), read", 50_000,
            () => OursBinary(BinaryRequest(body)),
            () => FromLibrary(ToMessage(BinaryRequest(body), body).ToCloudEventAsync(Formatter).GetAwaiter().GetResult()));
        Console.WriteLine();
        StandardsCases.Print(Formatter);
        return 0;
    }

    internal static string StructuredJson(string data) =>
        $$"""{"specversion":"1.0","id":"evt-1","source":"/erp/sap","type":"order.created","subject":"orders/12345","time":"2025-06-14T10:00:00Z","datacontenttype":"application/json","correlationid":"corr-42","region":"eu","data":{{data}}}""";

    private static void Signing(int size)
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var body = Encoding.UTF8.GetBytes(new string('x', size));
        var ours = new WebhookSigner(secret);
        var library = new StandardWebhook(secret);
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        if (ours.Sign("evt-1", 1_700_000_000, body) != library.Sign("evt-1", time, Encoding.UTF8.GetString(body)))
        {
            throw new InvalidOperationException("The signatures differ.");
        }
        // The product holds the body as UTF-8 bytes; the library signs a string, so it pays the decoding too.
        Row($"sign a {size:N0}-byte body (identical signatures)", 100_000,
            () => ours.Sign("evt-1", 1_700_000_000, body),
            () => library.Sign("evt-1", time, Encoding.UTF8.GetString(body)));
    }

    private static void Row(string name, int iterations, Action ours, Action library)
    {
        var (oursNs, oursBytes) = MicroTimer.Measure(iterations, ours);
        var (libraryNs, libraryBytes) = MicroTimer.Measure(iterations, library);
        Console.WriteLine($"| {name} | {oursNs:N0} | {libraryNs:N0} | {oursBytes:N0} | {libraryBytes:N0} |");
    }

    internal static Dictionary<string, string[]> Ours(byte[] body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(body);
        StructuredEvent.Parse(document.RootElement, "", MaxEventBytes, errors);
        return errors;
    }

    internal static Dictionary<string, string[]> OursBatch(byte[] body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(body);
        BatchItem.Parse(document.RootElement, cloudEvents: true, maxItems: 1000, MaxEventBytes, errors);
        return errors;
    }

    internal static (EventAttributes Attributes, byte[] Data, Dictionary<string, string[]> Errors) OursBinary(HttpRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var attributes = BinaryModeHeaders.Read(request, errors);
        using var buffer = new MemoryStream();
        request.Body.CopyTo(buffer);
        var data = buffer.ToArray();
        using var _ = JsonDocument.Parse(data); // the body must be JSON
        return (attributes, data, errors);
    }

    /// <summary>What the product would have to build from the library's event: its attributes and the data bytes.</summary>
    internal static (EventAttributes Attributes, byte[] Data) FromLibrary(CloudEvent cloudEvent)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in cloudEvent.ExtensionAttributes)
        {
            if (!CloudEventAttributes.IsReserved(attribute.Name) && cloudEvent[attribute] is { } value)
            {
                properties[attribute.Name] = attribute.Format(value);
            }
        }
        var attributes = new EventAttributes
        {
            Id = cloudEvent.Id,
            Source = cloudEvent.Source?.OriginalString,
            Type = cloudEvent.Type,
            Subject = cloudEvent.Subject,
            DataSchema = cloudEvent.DataSchema?.OriginalString,
            DataContentType = cloudEvent.DataContentType,
            Time = cloudEvent.Time,
            CorrelationId = cloudEvent[CloudEventAttributes.CorrelationId] as string,
            OrderingKey = cloudEvent[CloudEventAttributes.PartitionKey] as string,
            Properties = properties,
        };
        var data = cloudEvent.Data is JsonElement json ? Encoding.UTF8.GetBytes(json.GetRawText()) : "null"u8.ToArray();
        return (attributes, data);
    }

    internal static HttpRequest BinaryRequest(byte[] body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "POST";
        request.ContentType = "application/json";
        foreach (var (name, value) in headers ?? BinaryHeaders)
        {
            request.Headers[name] = value;
        }
        request.Body = new MemoryStream(body);
        return request;
    }

    /// <summary>The library reads binary mode from an <see cref="HttpRequestMessage"/> only (its ASP.NET Core package is not served): the adapter the product would need.</summary>
    internal static HttpRequestMessage ToMessage(HttpRequest request, byte[] body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "http://localhost/") { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value.ToString());
        }
        return message;
    }
}
