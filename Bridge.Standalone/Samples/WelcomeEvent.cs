using System.Net.Http.Headers;
using Bridge.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Bridge.Standalone.Samples;

/// <summary>DEVELOPMENT ONLY: publishes one event through the real publisher API at start-up, so the first run shows it delivered.</summary>
internal sealed partial class WelcomeEvent(
    IServer server, IHostApplicationLifetime lifetime, Bridge.Topology.TopologyCatalog catalog, IHttpClientFactory httpClients,
    IOptions<SecurityOptions> security, ILogger<WelcomeEvent> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = SendAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var target = catalog.Subscriptions.FirstOrDefault(s => s.Webhook?.Url.AbsolutePath == SampleReceiver.Path);
        if (target is null || StartupBanner.BaseAddress(server) is not { } baseAddress)
        {
            return;
        }

        try
        {
            using var client = httpClients.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, $"/api/topics/{target.Address.Topic}/events"))
            {
                Content = JsonContent.Create(new { message = "Hello from Bridge", orderId = "12345", amount = 1500 }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", security.Value.BootstrapKey);
            request.Headers.Add("ce-type", "bridge.sample.welcome");
            request.Headers.Add("ce-subject", "samples/welcome");
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            LogSent(logger, (int)response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            LogFailed(logger, ex);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample: published a welcome event: HTTP {Status} {Body}")]
    private static partial void LogSent(ILogger logger, int status, string body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample: the welcome event could not be published")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
