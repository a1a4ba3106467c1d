using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Bridge.Telemetry;
using Bridge.Tests.Support;

namespace Bridge.Tests.Telemetry;

/// <summary>
/// What an OTLP backend (a collector, the Aspire dashboard) receives from a real bridge process: HTTP server spans with
/// their attributes, messaging spans shaped by the OpenTelemetry conventions, histograms with usable buckets.
/// </summary>
public sealed class TraceShapeTests : BridgeTestBase, IAsyncLifetime
{
    private OtlpReceiver _otlp = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _otlp = await OtlpReceiver.StartAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await _otlp.DisposeAsync();
        await DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_is_one_trace_from_the_http_publish_to_the_webhook_with_conventional_attributes_and_resource()
    {
        await using var bridge = await StartAsync(new TestTopology().Subscription("orders", "traced", Receiver.UrlOf("traced")));
        using var client = bridge.CreateClient();
        var messageId = await PublishAsync(client, "orders", new { orderId = "7" }, headers: new Dictionary<string, string> { ["X-Correlation-Id"] = "corr-7" });
        using var refused = await bridge.CreateAnonymousClient().PostAsJsonAsync("/api/topics/orders/events", new { orderId = "8" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var spans = await _otlp.WaitForSpansAsync(s => s.Any(IsSettle(MessagingSpans.Complete, messageId)) && s.Count(IsServer) >= 2, Patience);

        var publish = spans.Single(s => s.Name == "publish orders" && Equals(s["messaging.message.id"], messageId));
        var server = spans.Single(s => s.SpanId == publish.ParentSpanId);
        Assert.Equal(OtlpSpanKind.Server, server.Kind);
        Assert.Equal("POST", server["http.request.method"]);
        Assert.StartsWith("/api/topics/{topic}/events", (string?)server["http.route"], StringComparison.Ordinal);
        Assert.Equal(202L, server["http.response.status_code"]);
        var unauthorized = spans.Single(s => IsServer(s) && Equals(s["http.response.status_code"], 401L));
        Assert.Equal("POST", unauthorized["http.request.method"]);
        Assert.Equal("401", unauthorized["error.type"]);
        Assert.Null(server["error.type"]);

        Assert.Equal(OtlpSpanKind.Producer, publish.Kind);
        AssertMessaging(publish, "publish", "send");
        Assert.Equal("corr-7", publish["messaging.message.conversation_id"]);
        Assert.Equal(1L, publish["messaging.batch.message_count"]);

        var process = spans.Single(s => s.Name == "process orders/traced" && Equals(s["messaging.message.id"], messageId));
        Assert.Equal(OtlpSpanKind.Consumer, process.Kind);
        Assert.Equal(publish.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Contains(process.Links, l => l.TraceId == publish.TraceId && l.SpanId == publish.SpanId);
        AssertMessaging(process, "process", "process");
        Assert.Equal("traced", process["messaging.destination.subscription.name"]);
        Assert.Equal("corr-7", process["messaging.message.conversation_id"]);
        Assert.Equal(1L, process["bridge.delivery.attempt"]);
        Assert.Equal("delivered", process["bridge.delivery.outcome"]);
        var webhookCall = spans.Single(s => s.Kind == OtlpSpanKind.Client && s.ParentSpanId == process.SpanId && s["http.request.method"] is "POST");
        Assert.Equal(200L, webhookCall["http.response.status_code"]);
        var complete = spans.Single(IsSettle(MessagingSpans.Complete, messageId));
        Assert.Equal(process.SpanId, complete.ParentSpanId);
        Assert.Equal(OtlpSpanKind.Client, complete.Kind);

        Assert.Equal("Bridge.Standalone", process.Resource["service.name"]);
        Assert.False(string.IsNullOrEmpty((string?)process.Resource["service.version"]), "service.version is missing");
        Assert.Equal("Testing", process.Resource["deployment.environment.name"]);
    }

    [Fact]
    public async Task Retries_are_sibling_process_spans_and_a_dead_lettering_is_a_settle_span_with_its_reason_and_error_type()
    {
        Receiver["failing"].DefaultStatus = 503;
        await using var bridge = await StartAsync(new TestTopology().Subscription("orders", "failing", Receiver.UrlOf("failing"), maxAttempts: 2));
        using var client = bridge.CreateClient();
        var messageId = await PublishAsync(client, "orders", new { orderId = "9" });

        var spans = await _otlp.WaitForSpansAsync(s => s.Any(IsSettle(MessagingSpans.DeadLetter, messageId)), Patience);

        var publish = spans.Single(s => s.Name == "publish orders" && Equals(s["messaging.message.id"], messageId));
        var attempts = spans.Where(s => s.Name == "process orders/failing" && Equals(s["messaging.message.id"], messageId))
            .OrderBy(s => (long?)s["bridge.delivery.attempt"]).ToList();
        Assert.Equal([1L, 2L], attempts.Select(a => (long?)a["bridge.delivery.attempt"]));
        Assert.All(attempts, a =>
        {
            Assert.Equal(publish.SpanId, a.ParentSpanId);
            Assert.Equal("503", a["error.type"]);
            Assert.Equal(OtlpSpan.Error, a.StatusCode);
        });
        Assert.Equal("failed", attempts[0]["bridge.delivery.outcome"]);
        Assert.Equal("dead_lettered", attempts[1]["bridge.delivery.outcome"]);

        var abandon = spans.Single(IsSettle(MessagingSpans.Abandon, messageId));
        Assert.Equal(attempts[0].SpanId, abandon.ParentSpanId);
        Assert.Equal("settle", abandon["messaging.operation"]);
        Assert.True((double?)abandon["bridge.delivery.redelivery_delay"] > 0, "the abandon span names the redelivery delay");
        var deadLetter = spans.Single(IsSettle(MessagingSpans.DeadLetter, messageId));
        Assert.Equal(attempts[1].SpanId, deadLetter.ParentSpanId);
        Assert.Equal("settle", deadLetter["messaging.operation.type"]);
        Assert.Equal("settle", deadLetter["messaging.operation"]);
        Assert.Equal("MaxAttemptsExceeded", deadLetter["bridge.dead_letter.reason"]);
        Assert.Equal("MaxAttemptsExceeded", deadLetter["error.type"]);
        Assert.Contains("503", (string?)deadLetter["bridge.dead_letter.description"], StringComparison.Ordinal);
        Assert.Equal(OtlpSpan.Error, deadLetter.StatusCode);
    }

    [Fact]
    public async Task Each_envelope_of_a_batch_has_its_own_creation_context_linked_from_the_publish()
    {
        await using var bridge = await StartAsync(new TestTopology().Subscription("orders", "batched", Receiver.UrlOf("batched")));
        using var client = bridge.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/topics/orders/events/batch", new object[]
        {
            new { data = new { orderId = "1" } },
            new { data = new { orderId = "2" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var spans = await _otlp.WaitForSpansAsync(s => s.Count(IsSettle(MessagingSpans.Complete, null)) >= 2, Patience);

        var publish = spans.Single(s => s.Name == "publish orders");
        Assert.Equal(OtlpSpanKind.Client, publish.Kind);
        Assert.Equal(2L, publish["messaging.batch.message_count"]);
        var creates = spans.Where(s => s.Name == "create orders").ToList();
        Assert.Equal(2, creates.Count);
        Assert.NotEqual(creates[0]["messaging.message.id"], creates[1]["messaging.message.id"]);
        Assert.All(creates, c =>
        {
            Assert.Equal(OtlpSpanKind.Producer, c.Kind);
            Assert.Equal(publish.ParentSpanId, c.ParentSpanId);
            Assert.Equal("create", c["messaging.operation.type"]);
            Assert.Equal("create", c["messaging.operation"]);
            Assert.Contains(publish.Links, l => l.SpanId == c.SpanId);
        });

        var processes = spans.Where(s => s.Name == "process orders/batched").ToList();
        Assert.Equal(2, processes.Count);
        Assert.All(processes, process =>
        {
            var creation = creates.Single(c => Equals(c["messaging.message.id"], process["messaging.message.id"]));
            Assert.Equal(creation.SpanId, process.ParentSpanId);
            Assert.Contains(process.Links, l => l.TraceId == creation.TraceId && l.SpanId == creation.SpanId);
        });
    }

    [Fact]
    public async Task A_delivery_long_after_its_envelope_was_created_starts_its_own_trace_linked_to_the_creation()
    {
        await using var bridge = await StartAsync(new TestTopology().Subscription("orders", "late", Receiver.UrlOf("late")));
        using var client = bridge.CreateClient();
        var longAgo = DateTimeOffset.UtcNow.AddHours(-2).ToString("O", CultureInfo.InvariantCulture);
        var messageId = await PublishAsync(client, "orders", new { orderId = "4" }, headers: new Dictionary<string, string> { ["ce-time"] = longAgo });

        var spans = await _otlp.WaitForSpansAsync(s => s.Any(IsSettle(MessagingSpans.Complete, messageId)), Patience);

        var publish = spans.Single(s => s.Name == "publish orders" && Equals(s["messaging.message.id"], messageId));
        var process = spans.Single(s => s.Name == "process orders/late");
        Assert.Null(process.ParentSpanId);
        Assert.NotEqual(publish.TraceId, process.TraceId);
        Assert.Contains(process.Links, l => l.TraceId == publish.TraceId && l.SpanId == publish.SpanId);
    }

    [Fact]
    public async Task Attempt_duration_and_delivery_latency_are_histograms_in_seconds_with_buckets_from_1_ms_to_60_s()
    {
        await using var bridge = await StartAsync(new TestTopology().Subscription("orders", "measured", Receiver.UrlOf("measured")));
        using var client = bridge.CreateClient();
        await PublishAsync(client, "orders", new { orderId = "3" });

        var points = await _otlp.WaitForHistogramsAsync(
            p => p.Any(x => x.Metric == "bridge.attempt.duration" && x.Count > 0) && p.Any(x => x.Metric == "bridge.delivery.latency" && x.Count > 0), Patience);

        foreach (var name in new[] { "bridge.attempt.duration", "bridge.delivery.latency" })
        {
            var point = points.Last(x => x.Metric == name && Equals(x.Attributes.GetValueOrDefault("subscription"), "measured"));
            Assert.Equal("s", point.Unit);
            Assert.Equal(BridgeTelemetry.DurationBoundaries, point.Bounds);
            Assert.Equal(0.001, point.Bounds[0]);
            Assert.Equal(60, point.Bounds[^1]);
            // One measurement, counted in the bucket its value belongs to (not lumped into a 5 s bucket whatever it was).
            Assert.Equal(1UL, point.Count);
            var bucket = point.BucketCounts.ToList().FindIndex(c => c > 0);
            Assert.Equal(point.Bounds.ToList().FindIndex(bound => point.Sum <= bound), bucket);
            Assert.True(point.Sum < 60, $"{name} took {point.Sum} s");
        }
    }

    private Task<BridgeProcess> StartAsync(TestTopology topology)
    {
        foreach (var (key, value) in _otlp.ExporterSettings)
        {
            topology.With(key, value);
        }
        return StartBridgeAsync(topology);
    }

    private static void AssertMessaging(OtlpSpan span, string operation, string type)
    {
        Assert.Equal("bridge", span["messaging.system"]);
        Assert.Equal(operation, span["messaging.operation.name"]);
        Assert.Equal(type, span["messaging.operation.type"]);
        // The deprecated name of the operation kind, which the Aspire dashboard titles messaging spans with.
        Assert.Equal(type == "send" ? "publish" : type, span["messaging.operation"]);
        Assert.Equal("orders", span["messaging.destination.name"]);
    }

    private static bool IsServer(OtlpSpan span) => span.Kind == OtlpSpanKind.Server;

    private static Func<OtlpSpan, bool> IsSettle(string operation, string? messageId) =>
        s => Equals(s["messaging.operation.name"], operation) && (messageId is null || Equals(s["messaging.message.id"], messageId));
}
