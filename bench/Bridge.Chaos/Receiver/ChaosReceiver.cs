using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents.SystemTextJson;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Bridge.Chaos.Receiver;

/// <summary>
/// The webhook receiver of the run, independent of Bridge's code: verifies every call's signature with the official
/// Standard Webhooks library and reads its body with the official CloudEvents SDK, then answers like a flaky endpoint —
/// 30 % 5xx, 10 % 429, 3 % slowly (1–3 s, inside the webhook timeout), the rest 204 — and records it in the ledger.
/// </summary>
internal sealed class ChaosReceiver : IAsyncDisposable
{
    private static readonly ContentType Structured = new("application/cloudevents+json");
    private readonly WebApplication _app;

    private ChaosReceiver(WebApplication app, DeliveryLedger ledger)
    {
        _app = app;
        Ledger = ledger;
    }

    public DeliveryLedger Ledger { get; }

    public Uri Url => new(new Uri(_app.Urls.First()), "/webhook");

    public static async Task<ChaosReceiver> StartAsync(string secret, DeliveryLedger ledger)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var formatter = new JsonEventFormatter();
        app.MapPost("/webhook", async (HttpRequest request) =>
        {
            ledger.Called();
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var webhookId = request.Headers["webhook-id"].ToString();
            long sequence;
            try
            {
                new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(body), request.Headers);
                var cloudEvent = formatter.DecodeStructuredModeMessage(body, Structured, null);
                if (!string.Equals(cloudEvent.Id, webhookId, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"webhook-id {webhookId} is not the CloudEvent id {cloudEvent.Id}");
                }
                sequence = ((JsonElement)cloudEvent.Data!).GetProperty("seq").GetInt64();
            }
            catch (Exception ex) when (ex is WebhookVerificationException or ArgumentException or InvalidDataException or JsonException or InvalidCastException or KeyNotFoundException or InvalidOperationException)
            {
                ledger.Reject($"{webhookId}: {ex.GetType().Name}: {ex.Message}");
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            var roll = Random.Shared.NextDouble();
            switch (roll)
            {
                case < 0.30:
                    ledger.AnsweredServerError();
                    return Results.StatusCode(roll < 0.15 ? StatusCodes.Status500InternalServerError : StatusCodes.Status503ServiceUnavailable);
                case < 0.40:
                    ledger.AnsweredTooManyRequests();
                    return Results.StatusCode(StatusCodes.Status429TooManyRequests);
                case < 0.43:
                    ledger.AnsweredSlowly();
                    await Task.Delay(TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(2000)));
                    break;
            }

            ledger.Acknowledge(webhookId, sequence);
            return Results.NoContent();
        });
        await app.StartAsync();
        return new ChaosReceiver(app, ledger);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
