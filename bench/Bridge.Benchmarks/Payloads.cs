using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Bridge.Benchmarks;

/// <summary>
/// The ~300-byte order event every scenario sends. It carries its scheduled send time (<c>sentAt</c>, UTC ticks) for
/// end-to-end latency; 0 where the sender cannot stamp each request (wrk), and the sink then uses the CloudEvent time.
/// </summary>
internal static class Payloads
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public static string Event(long sentAtTicks) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"orderId":"12345","customerId":"789","amount":1500,"currency":"EUR","source":"Dataverse","timestamp":"2025-06-14T10:00:00Z","lines":[{"sku":"A-100","qty":2},{"sku":"B-200","qty":1}],"note":"benchmark event with a realistic size","sentAt":{{sentAtTicks}}}""");

    /// <summary>A batch request body: a JSON array of <paramref name="size"/> events of type <c>order.created</c>.</summary>
    public static string Batch(int size) =>
        "[" + string.Join(',', Enumerable.Repeat($$"""{"type":"order.created","data":{{Event(0)}}}""", size)) + "]";

    public static ByteArrayContent Json(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = JsonType;
        return content;
    }
}
