using System.Net.Mime;
using System.Text;
using Bridge.Webhooks;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using StandardWebhooks;
using static Bridge.Benchmarks.Standards.StandardsComparison;

namespace Bridge.Benchmarks.Standards;

/// <summary>Runs the same edge cases through Bridge's readers and the official libraries and prints what each did.</summary>
internal static class StandardsCases
{
    private const string Data = """{"orderId":"1"}""";

    public static void Print(JsonEventFormatter formatter)
    {
        Console.WriteLine("| input | Bridge | library |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, json) in StructuredCases())
        {
            var body = Encoding.UTF8.GetBytes(json);
            Line(name, () => Outcome(Ours(body)), () =>
            {
                var (attributes, _) = FromLibrary(formatter.DecodeStructuredModeMessage(body, new ContentType("application/cloudevents+json"), null));
                return $"accepted (time {attributes.Time:O}, properties {string.Join(',', attributes.Properties.Keys)})";
            });
        }

        var twoBad = Encoding.UTF8.GetBytes("[" + StructuredJson(Data).Replace("\"id\":\"evt-1\",", "", StringComparison.Ordinal) + "," + StructuredJson(Data)
            + "," + StructuredJson(Data).Replace("\"source\":\"/erp/sap\",", "", StringComparison.Ordinal) + "]");
        Line("batch: item 0 without id, item 2 without source", () => Outcome(OursBatch(twoBad)),
            () => $"accepted {formatter.DecodeBatchModeMessage(twoBad, new ContentType("application/cloudevents-batch+json"), null).Count} events");

        foreach (var (name, headers) in BinaryCases())
        {
            var body = Encoding.UTF8.GetBytes(Data);
            Line(name, () =>
            {
                var (attributes, _, errors) = OursBinary(BinaryRequest(body, headers));
                return errors.Count > 0 ? Outcome(errors) : $"accepted (subject {attributes.Subject}, id {attributes.Id ?? "generated"}, properties {string.Join(',', attributes.Properties.Keys)})";
            }, () =>
            {
                var (attributes, _) = FromLibrary(ToMessage(BinaryRequest(body, headers), body).ToCloudEventAsync(formatter).GetAwaiter().GetResult());
                return $"accepted (subject {attributes.Subject}, properties {string.Join(',', attributes.Properties.Keys)})";
            });
        }

        Line("signing secret `whsec_c2hvcnQ=` (a 5-byte key)",
            () => WebhookSecret.TryParse("whsec_c2hvcnQ=", out _, out var error) ? "accepted" : "refused: the secret " + error,
            () => new StandardWebhook("whsec_c2hvcnQ=").Sign("evt-1", DateTimeOffset.UnixEpoch, "{}") is { } signature ? "accepted, signs with it" : "");
    }

    private static IEnumerable<(string, string)> StructuredCases() =>
    [
        ("structured: valid", StructuredJson(Data)),
        ("structured: extension named `Region`", StructuredJson(Data).Replace("\"region\"", "\"Region\"", StringComparison.Ordinal)),
        ("structured: extension name of 21 characters", StructuredJson(Data).Replace("\"region\"", "\"abcdefghijklmnopqrstu\"", StringComparison.Ordinal)),
        ("structured: extension whose value is an object", StructuredJson(Data).Replace("\"eu\"", """{"a":1}""", StringComparison.Ordinal)),
        ("structured: `time` `2025-06-14 10:00` (not RFC 3339)", StructuredJson(Data).Replace("2025-06-14T10:00:00Z", "2025-06-14 10:00", StringComparison.Ordinal)),
        ("structured: no `id`", StructuredJson(Data).Replace("\"id\":\"evt-1\",", "", StringComparison.Ordinal)),
        ("structured: `specversion` 0.3", StructuredJson(Data).Replace("\"1.0\"", "\"0.3\"", StringComparison.Ordinal)),
        ("structured: `datacontenttype` text/plain, string data", StructuredJson("\"hello\"").Replace("application/json", "text/plain", StringComparison.Ordinal)),
        ("structured: `data_base64` instead of `data`", StructuredJson(Data).Replace("\"data\":" + Data, "\"data_base64\":\"aGVsbG8=\"", StringComparison.Ordinal)),
        ("structured: not JSON", "{\"specversion\":"),
    ];

    private static IEnumerable<(string, Dictionary<string, string>)> BinaryCases() =>
    [
        ("binary: `ce-subject: orders/%C3%A9t%C3%A9` (percent-encoded)", new() { ["ce-specversion"] = "1.0", ["ce-id"] = "e", ["ce-source"] = "/s", ["ce-type"] = "t", ["ce-subject"] = "orders/%C3%A9t%C3%A9" }),
        ("binary: `ce-Region: eu` (header case)", new() { ["ce-specversion"] = "1.0", ["ce-id"] = "e", ["ce-source"] = "/s", ["ce-type"] = "t", ["ce-Region"] = "eu" }),
        ("binary: only `ce-type` (a recipe's plain JSON POST)", new() { ["ce-type"] = "order.created" }),
    ];

    private static void Line(string input, Func<string> ours, Func<string> library) =>
        Console.WriteLine($"| {input} | {Try(ours)} | {Try(library)} |");

    private static string Outcome(Dictionary<string, string[]> errors) =>
        errors.Count == 0 ? "accepted" : "400 " + string.Join("; ", errors.Select(e => $"`{e.Key}`: {e.Value[0]}"));

    private static string Try(Func<string> run)
    {
        try
        {
            return run().Replace("|", "\\|", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            var message = ex.Message.ReplaceLineEndings(" ");
            return $"{ex.GetType().Name}: {(message.Length > 110 ? message[..110] + "…" : message)}".Replace("|", "\\|", StringComparison.Ordinal);
        }
    }
}
