using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Bridge.Tests.Support;

namespace Bridge.Tests.AppHost;

/// <summary>
/// The AppHost as a whole: publisher, two subscriber replicas and replay on RabbitMQ, PostgreSQL and Redis, one
/// event followed from the publish through a subscriber replica to a real receiver, and a failing receiver's event
/// from its dead letter through a replay.
/// </summary>
public sealed class DistributedAppTests
{
    private const string Topic = "orders";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5); // a loaded build machine; about 15 s on a quiet one
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_event_is_delivered_through_a_subscriber_replica_in_one_trace_and_a_dead_letter_is_replayed()
    {
        var clock = Stopwatch.StartNew();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver["failing"].Answer(503).Answer(503); // both attempts fail, then it recovers: the replay is delivered
        var topology = new TestTopology()
            .Subscription(Topic, "erp", receiver.UrlOf("erp"))
            .Subscription(Topic, "failing", receiver.UrlOf("failing"), maxAttempts: 2);
        var bootstrapKey = "brk_test_" + Guid.NewGuid().ToString("N");
        string[] args =
        [
            .. topology.Settings.Select(s => $"--{s.Key}={s.Value}"),
            $"--Parameters:bootstrap-key={bootstrapKey}",
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bridge_AppHost>(
            args, (options, _) => options.DisableDashboard = true, TestContext.Current.CancellationToken);
        await using var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        starting.CancelAfter(StartTimeout);
        await app.StartAsync(starting.Token);
        foreach (var service in new[] { "publisher", "subscriber", "replay" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(service, starting.Token);
        }
        var started = clock.Elapsed;

        using var publisher = Client(app, "publisher", bootstrapKey);
        using var replay = Client(app, "replay", bootstrapKey);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var messageId = await PublishAsync(publisher, traceId);

        var delivered = (await receiver["erp"].WaitForAsync(1, Patience)).Single();
        Assert.Equal(messageId, delivered.MessageId);
        Assert.True(OfficialDeliveryCheck.SignedWith(delivered.Headers, delivered.Body, TestTopology.Secret), "the delivery's signature is valid");
        Assert.Equal(traceId, ActivityContext.Parse(delivered.Headers["traceparent"], null).TraceId.ToHexString());

        var deadLetters = await EventuallyAsync(
            () => GetJsonAsync(replay, $"/api/topics/{Topic}/subscriptions/failing/dead-letters"),
            page => page.GetProperty("items").GetArrayLength() == 1, "the failing receiver's dead letter");
        Assert.Equal(messageId, deadLetters.GetProperty("items")[0].GetProperty("messageId").GetString());
        Assert.Equal("MaxAttemptsExceeded", deadLetters.GetProperty("items")[0].GetProperty("reason").GetString());

        using var replayed = await replay.PostAsync($"/api/topics/{Topic}/subscriptions/failing/dead-letters/{messageId}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        var calls = await receiver["failing"].WaitForAsync(3, Patience);
        Assert.All(calls, call => Assert.Equal(messageId, call.MessageId));
        await EventuallyAsync(
            () => GetJsonAsync(replay, $"/api/topics/{Topic}/subscriptions/failing/dead-letters"),
            page => page.GetProperty("items").GetArrayLength() == 0, "an empty dead-letter queue after the replay");

        TestContext.Current.SendDiagnosticMessage($"AppHost healthy after {started.TotalSeconds:F1} s; whole test {clock.Elapsed.TotalSeconds:F1} s.");
    }

    private static HttpClient Client(DistributedApplication app, string service, string key)
    {
        var client = app.CreateHttpClient(service, "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Publishes one order event in the trace <paramref name="traceId"/> (as a recipe calling with a traceparent would); returns its message id.</summary>
    private static async Task<string> PublishAsync(HttpClient publisher, string traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{Topic}/events")
        {
            Content = JsonContent.Create(new { orderId = "12345", customerId = "789", amount = 1500 }),
        };
        request.Headers.Add("ce-type", "order.created");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await publisher.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Publish answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {JsonSerializer.Serialize(last)}");
            }
            await Task.Delay(200);
        }
    }
}
