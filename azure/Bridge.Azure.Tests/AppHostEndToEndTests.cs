using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Bridge.Tests.Infrastructure;

namespace Bridge.Azure.Tests;

/// <summary>
/// The whole Azure edition as the AppHost runs it: the Service Bus emulator, SQL Server and Redis in containers, the
/// publisher, a subscriber worker and the replay service as processes. Needs a container engine (Docker); without one
/// the tests are skipped, saying so. Not part of the core test command.
/// </summary>
public sealed class AppHostEndToEndTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_published_event_reaches_the_webhook_after_a_retry_and_a_dead_letter_is_replayed_to_delivery()
    {
        RequireContainerEngine();
        await using var receiver = await WebhookReceiver.StartAsync();
        var adminKey = $"brk_e2e{RandomNumberGenerator.GetHexString(8, lowercase: true)}_{RandomNumberGenerator.GetHexString(40)}";
        await using var app = await StartAsync(adminKey);
        using var publisher = Client(app, "publisher", adminKey);
        using var replay = Client(app, "replay", adminKey);

        // A recipe subscribes at run time; its first call fails once, then succeeds.
        receiver["erp"].Answer(503);
        await CreateSubscriptionAsync(publisher, "erp", receiver.UrlOf("erp"), maxAttempts: 5);
        var delivered = await PublishAsync(publisher, new { order = 1 });
        var calls = await receiver["erp"].WaitForAsync(2, Patience);
        Assert.All(calls, c => Assert.Equal(delivered, c.MessageId));

        // A receiver that keeps failing: the envelope is dead-lettered, then replayed once it is fixed.
        receiver["broken"].DefaultStatus = 500;
        await CreateSubscriptionAsync(publisher, "broken", receiver.UrlOf("broken"), maxAttempts: 2);
        var failing = await PublishAsync(publisher, new { order = 2 });
        await EventuallyAsync(async () => (await replay.GetFromJsonAsync<JsonElement>(
            "/api/topics/orders/subscriptions/broken/dead-letters", Ct)).ToString().Contains(failing, StringComparison.Ordinal));
        receiver["broken"].DefaultStatus = 200;
        using (var response = await replay.PostAsync($"/api/topics/orders/subscriptions/broken/dead-letters/{failing}/replay", null, Ct))
        {
            Assert.True(response.IsSuccessStatusCode, $"replay answered {(int)response.StatusCode}");
        }

        await EventuallyAsync(() => Task.FromResult(receiver["broken"].Received.Any(r => r.MessageId == failing && r.Headers.ContainsKey("webhook-signature"))
            && receiver["broken"].Received.Count >= 3));
    }

    private static async Task<DistributedApplication> StartAsync(string adminKey)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bridge_AppHost>(["Bridge:AppHost:SubscriberReplicas=1"], Ct);
        foreach (var name in new[] { "publisher", "subscriber", "replay" })
        {
            builder.CreateResourceBuilder<ProjectResource>(name)
                .WithEnvironment("Bridge__Security__BootstrapKey", adminKey)
                .WithEnvironment("Bridge__Subscriptions__AllowHttpLoopback", "true")
                .WithEnvironment("Bridge__Webhooks__AllowedNetworks__0", "127.0.0.1/32")
                .WithEnvironment("Bridge__Subscriptions__SyncInterval", "00:00:01");
        }

        var app = await builder.BuildAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(StartTimeout);
        await app.StartAsync(timeout.Token);
        foreach (var name in new[] { "publisher", "subscriber", "replay" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        return app;
    }

    private static HttpClient Client(DistributedApplication app, string resource, string key)
    {
        var client = app.CreateHttpClient(resource);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task CreateSubscriptionAsync(HttpClient publisher, string name, Uri url, int maxAttempts)
    {
        using var response = await publisher.PostAsJsonAsync("/api/topics/orders/subscriptions", new { name, url, maxAttempts }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<string> PublishAsync(HttpClient publisher, object data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/orders/events") { Content = JsonContent.Create(data) };
        request.Headers.Add("ce-type", "order.created");
        using var response = await publisher.SendAsync(request, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"publish answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("messageId").GetString()!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < until, $"Not reached within {Patience}.");
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>Skips unless a container engine answers (a client on the PATH is not enough: its daemon must be running).</summary>
    private static void RequireContainerEngine()
    {
        if (!new[] { "docker", "podman" }.Any(Answers))
        {
            Assert.Skip("No container engine: the AppHost needs a running Docker (or Podman) for the Service Bus emulator, SQL Server and Redis.");
        }
    }

    private static bool Answers(string engine)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(engine, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
