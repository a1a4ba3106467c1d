using System.Globalization;
using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Security;

/// <summary>A bridge with an HMAC key, a 10 s window and a 5 s clock skew, so signatures age out within a test.</summary>
public sealed class SignedRequestFixture : HostileBridgeFixture
{
    protected override void Configure(TestTopology topology) => topology
        .With("Bridge:Security:HmacWindow", "00:00:10")
        .With("Bridge:Security:HmacClockSkew", "00:00:05");

    protected override async Task SeedAsync(HttpClient admin)
    {
        await CreatePublisherAsync(admin, "partner", ["publish:erp-events"]);
        (Keys["id"], Keys["secret"]) = await IssueKeyAsync(admin, "partner", "hmac");
    }
}

/// <summary>
/// Signed requests: a captured request is accepted once — replayed byte for byte or with any header varied it is refused
/// (401 <c>unauthenticated</c>), and nothing is stored or delivered; every header that shapes the event is signed.
/// </summary>
public sealed class SignedRequestTests(SignedRequestFixture fixture) : IClassFixture<SignedRequestFixture>
{
    private const string Events = "/api/topics/erp-events/events";

    /// <summary>A request as captured on the wire: target, body and headers (content headers included), in order.</summary>
    private sealed record Captured(string Target, byte[] Body, List<KeyValuePair<string, string>> Headers)
    {
        public string this[string name] => Headers.First(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        public Captured With(string name, string value) =>
            this with { Headers = [.. Headers.Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)), new(name, value)] };

        public Captured Adding(string name, string value) => this with { Headers = [.. Headers, new(name, value)] };

        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Target) { Content = new ByteArrayContent(Body) };
            foreach (var (name, value) in Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            return request;
        }
    }

    public static TheoryData<string> ReplayVariants => new()
    {
        "byte for byte",
        "an extra v1 token before the real one",
        "an extra v1 token after the real one",
        "the real signature twice",
        "the real signature and a comma",
        "a tab before a second token",
        "a leading space",
        "an upper-case scheme",
        "unpadded base64",
        "URL-safe base64",
        "no scheme label",
        "a v2 label",
        "the signature header sent twice",
        "a second timestamp header",
        "the key id in upper case",
        "the timestamp a second later",
        "a changed ce-type",
        "an added ce-subject",
        "an added X-Correlation-Id",
        "a changed X-Correlation-Id",
        "an added ce-region property",
        "an added ce-id",
        "an added ce-correlationid",
        "an added ce-partitionkey",
        "an added Idempotency-Key",
        "an added traceparent",
        "an added tracestate",
        "a changed Content-Type",
        "a query string added",
        "another topic's path",
    };

    [Theory]
    [MemberData(nameof(ReplayVariants))]
    public async Task A_captured_request_is_accepted_once_and_refused_in_every_replay(string variant)
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var captured = await SignedAsync(variant);
        var received = fixture.Sink.Received.Count;
        using (var first = await client.SendAsync(captured.ToRequest()))
        {
            Assert.True(first.StatusCode == HttpStatusCode.Accepted, $"{variant}: the genuine request answered {(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        }
        await fixture.Sink.WaitForAsync(received + 1, TimeSpan.FromSeconds(30));

        using var replay = Vary(captured, variant).ToRequest();
        await fixture.AssertRefusedAsync(client, replay, variant, 401, "unauthenticated");
    }

    public static TheoryData<string> RefusedSignatures => new()
    {
        "a timestamp beyond the clock skew",
        "a timestamp a minute ahead",
        "a timestamp older than the window",
        "a negative timestamp",
        "a timestamp with a plus sign",
        "a timestamp in milliseconds",
        "an empty signature",
        "a signature of 31 bytes",
        "a signature of 33 bytes",
        "a signature over the decoded path of a percent-encoded request",
        "a covered header sent twice",
        "a signature made with another secret",
    };

    [Theory]
    [MemberData(nameof(RefusedSignatures))]
    public async Task A_signature_outside_the_grammar_or_the_window_is_refused(string what)
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = what switch
        {
            "a timestamp beyond the clock skew" => await SignAtAsync(Events, now + 9),
            "a timestamp a minute ahead" => await SignAtAsync(Events, now + 60),
            "a timestamp older than the window" => await SignAtAsync(Events, now - 15),
            "a negative timestamp" => Replace(await SignAtAsync(Events, now), "Bridge-Timestamp", "-" + now),
            "a timestamp with a plus sign" => Replace(await SignAtAsync(Events, now), "Bridge-Timestamp", "+" + now),
            "a timestamp in milliseconds" => await SignAtAsync(Events, now * 1000),
            "an empty signature" => Replace(await SignAtAsync(Events, now), "Bridge-Signature", "v1="),
            "a signature of 31 bytes" => Replace(await SignAtAsync(Events, now), "Bridge-Signature", "v1=" + Convert.ToBase64String(new byte[31])),
            "a signature of 33 bytes" => Replace(await SignAtAsync(Events, now), "Bridge-Signature", "v1=" + Convert.ToBase64String(new byte[33])),
            "a signature over the decoded path of a percent-encoded request" => await DecodedPathAsync(now),
            "a covered header sent twice" => await TwiceAsync(now),
            "a signature made with another secret" => await SignWithAsync(Events, now, "not-the-secret"),
            _ => throw new ArgumentOutOfRangeException(nameof(what), what, "no such case"),
        };
        using (request)
        {
            await fixture.AssertRefusedAsync(client, request, what, 401, "unauthenticated");
        }
    }

    [Fact]
    public async Task The_event_headers_are_signed_and_reach_the_event()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        using var request = Publish("erp-events", """{ "orderId": "signed-headers" }""", null);
        request.Headers.Add("ce-type", "order.signed");
        request.Headers.Add("X-Correlation-Id", "corr-signed-1");
        await SignAsync(request, fixture.Keys["id"], fixture.Keys["secret"]);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = await WaitForAsync("signed-headers");
        Assert.Equal("order.signed", delivered.Json.GetProperty("type").GetString());
        Assert.Equal("corr-signed-1", delivered.Json.GetProperty("correlationid").GetString());
    }

    [Fact]
    public async Task A_percent_encoded_path_is_signed_exactly_as_sent()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, AsSent(client, "/api/topics/erp%2Devents/events"))
        {
            Content = new StringContent("""{ "orderId": "encoded-path" }""", Encoding.UTF8, "application/json"),
        };
        await SignAsync(request, fixture.Keys["id"], fixture.Keys["secret"]);

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await WaitForAsync("encoded-path");
    }

    [Fact]
    public async Task A_timestamp_inside_the_skew_is_accepted_once_and_still_refused_after_its_first_use_would_have_aged_out()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var future = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 4;
        var captured = await CaptureAsync("""{ "orderId": "future" }""", future);

        using var first = await client.SendAsync(captured.ToRequest());
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await WaitForAsync("future");

        // A memory that forgot at acceptance + window would accept this; the timestamp is still inside its window.
        var replayAt = DateTimeOffset.FromUnixTimeSeconds(future + 10) - TimeSpan.FromSeconds(2);
        if (replayAt - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait);
        }
        await fixture.AssertRefusedAsync(client, captured.ToRequest(), "a replay after the first use aged out", 401, "unauthenticated");
    }

    private async Task<ReceivedRequest> WaitForAsync(string orderId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (fixture.Sink.Received.FirstOrDefault(r => r.Json.GetProperty("data").TryGetProperty("orderId", out var id) && id.GetString() == orderId) is { } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"order {orderId} was not delivered");
    }

    private async Task<Captured> SignedAsync(string variant)
    {
        var body = $$"""{ "orderId": "{{Guid.NewGuid():N}}", "case": "{{variant}}" }""";
        return await CaptureAsync(body, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ("ce-type", "order.created"), ("X-Correlation-Id", "corr-" + Guid.NewGuid().ToString("N")));
    }

    private async Task<Captured> CaptureAsync(string body, long timestamp, params (string Name, string Value)[] headers)
    {
        using var request = Publish("erp-events", body, null);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        await SignAsync(request, fixture.Keys["id"], fixture.Keys["secret"], timestamp);
        var all = request.Headers.Concat(request.Content!.Headers).Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))).ToList();
        return new Captured(Events, await request.Content.ReadAsByteArrayAsync(), all);
    }

    private Captured Vary(Captured captured, string variant)
    {
        var signature = captured["Bridge-Signature"];
        var value = signature["v1=".Length..];
        var other = "v1=" + Convert.ToBase64String(new byte[32]);
        return variant switch
        {
            "byte for byte" => captured,
            "an extra v1 token before the real one" => captured.With("Bridge-Signature", $"{other} {signature}"),
            "an extra v1 token after the real one" => captured.With("Bridge-Signature", $"{signature} {other}"),
            "the real signature twice" => captured.With("Bridge-Signature", $"{signature} {signature}"),
            "the real signature and a comma" => captured.With("Bridge-Signature", $"{signature},"),
            "a tab before a second token" => captured.With("Bridge-Signature", $"{signature}\t{signature}"),
            "a leading space" => captured.With("Bridge-Signature", " " + signature),
            "an upper-case scheme" => captured.With("Bridge-Signature", "V1=" + value),
            "unpadded base64" => captured.With("Bridge-Signature", "v1=" + value.TrimEnd('=')),
            "URL-safe base64" => captured.With("Bridge-Signature", "v1=" + value.Replace('+', '-').Replace('/', '_').TrimEnd('=')),
            "no scheme label" => captured.With("Bridge-Signature", value),
            "a v2 label" => captured.With("Bridge-Signature", "v2=" + value),
            "the signature header sent twice" => captured.Adding("Bridge-Signature", signature),
            "a second timestamp header" => captured.Adding("Bridge-Timestamp", captured["Bridge-Timestamp"]),
            "the key id in upper case" => captured.With("Bridge-Key-Id", captured["Bridge-Key-Id"].ToUpperInvariant()),
            "the timestamp a second later" => captured.With("Bridge-Timestamp", (long.Parse(captured["Bridge-Timestamp"], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)),
            "a changed ce-type" => captured.With("ce-type", "order.cancelled"),
            "an added ce-subject" => captured.Adding("ce-subject", "orders/replayed"),
            "an added X-Correlation-Id" => captured.With("X-Correlation-Id", "replayed").Adding("X-Correlation-Id", "again"),
            "a changed X-Correlation-Id" => captured.With("X-Correlation-Id", "replayed"),
            "an added ce-region property" => captured.Adding("ce-region", "eu"),
            "an added ce-id" => captured.Adding("ce-id", "replayed-id"),
            "an added ce-correlationid" => captured.Adding("ce-correlationid", "replayed"),
            "an added ce-partitionkey" => captured.Adding("ce-partitionkey", "customer-1"),
            "an added Idempotency-Key" => captured.Adding("Idempotency-Key", "\"replayed\""),
            "an added traceparent" => captured.Adding("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            "an added tracestate" => captured.Adding("tracestate", "vendor=replayed"),
            "a changed Content-Type" => captured.With("Content-Type", "application/json; charset=us-ascii"),
            "a query string added" => captured with { Target = Events + "?type=order.cancelled" },
            "another topic's path" => captured with { Target = "/api/topics/crm-events/events" },
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "no such variant"),
        };
    }

    private Task<HttpRequestMessage> SignAtAsync(string target, long timestamp) => SignWithAsync(target, timestamp, fixture.Keys["secret"]);

    private async Task<HttpRequestMessage> SignWithAsync(string target, long timestamp, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent($$"""{ "orderId": "{{Guid.NewGuid():N}}" }""", Encoding.UTF8, "application/json") };
        await SignAsync(request, fixture.Keys["id"], secret, timestamp);
        return request;
    }

    private async Task<HttpRequestMessage> DecodedPathAsync(long now)
    {
        using var decoded = await SignAtAsync(Events, now);
        var request = new HttpRequestMessage(HttpMethod.Post, AsSent(fixture.Bridge.BaseAddress, "/api/topics/erp%2Devents/events")) { Content = new ByteArrayContent(await decoded.Content!.ReadAsByteArrayAsync()) };
        request.Content.Headers.ContentType = decoded.Content.Headers.ContentType;
        foreach (var name in new[] { "Bridge-Key-Id", "Bridge-Timestamp", "Bridge-Signature" })
        {
            request.Headers.Add(name, decoded.Headers.GetValues(name));
        }
        return request;
    }

    private async Task<HttpRequestMessage> TwiceAsync(long now)
    {
        var request = await SignAtAsync(Events, now);
        request.Headers.Remove("Bridge-Signature");
        request.Headers.TryAddWithoutValidation("ce-type", "order.created");
        request.Headers.Add("Bridge-Signature", "v1=" + await SignatureAsync(request, fixture.Keys["secret"], now));
        request.Headers.TryAddWithoutValidation("ce-type", "order.cancelled"); // a second value after signing the first
        return request;
    }

    /// <summary>An absolute URI kept exactly as written (the client would otherwise decode <c>%2D</c> to <c>-</c> before sending).</summary>
    private static Uri AsSent(HttpClient client, string target) => AsSent(client.BaseAddress!, target);

    private static Uri AsSent(Uri baseAddress, string target) =>
        new(baseAddress.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private static HttpRequestMessage Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }
}
