using System.Globalization;
using System.Net.Http.Headers;

namespace Bridge.Benchmarks;

/// <summary>The ~300-byte order event every scenario sends; it carries its send time for end-to-end latency.</summary>
internal static class Payloads
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public static string Event(long sentAtTicks) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"orderId":"12345","customerId":"789","amount":1500,"currency":"EUR","source":"Dataverse","timestamp":"2025-06-14T10:00:00Z","lines":[{"sku":"A-100","qty":2},{"sku":"B-200","qty":1}],"note":"benchmark event with a realistic size","sentAt":{{sentAtTicks}}}""");

    public static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = JsonType;
        return content;
    }
}
