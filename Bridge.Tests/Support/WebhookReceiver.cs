using System.Collections.Concurrent;
using System.Text.Json;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Support;

/// <summary>
/// A real HTTP webhook receiver on 127.0.0.1 with a free port. Each hook (<c>/hooks/{name}</c>) records every request and
/// answers from its script (a status per call; 200 once the script runs out, unless a default is set).
/// Every request is checked with the official libraries (<see cref="OfficialDeliveryCheck"/>): signed with a trusted
/// secret per StandardWebhooks and a structured-mode CloudEvent per CloudNative.CloudEvents. A request they reject fails
/// the test: reading the hook's requests throws, and so does <see cref="AssertEveryDeliveryVerified"/> at the end.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _trusted = new(StringComparer.Ordinal) { [TestTopology.Secret] = true };

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{name}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>A scripted body that makes the hook cut its response short.</summary>
    public const string TruncatedBody = "\u0000truncated";

    public Uri UrlOf(string name) => new(BaseAddress, $"/hooks/{name}");

    public Hook this[string name] => _hooks.GetOrAdd(name, _ => new Hook());

    /// <summary>Adds a secret the receiver accepts signatures of (<see cref="TestTopology.Secret"/> is trusted from the start).</summary>
    public string Trust(string secret)
    {
        _trusted[secret] = true;
        return secret;
    }

    /// <summary>Fails when any hook received a request the official libraries rejected.</summary>
    public void AssertEveryDeliveryVerified()
    {
        foreach (var (name, hook) in _hooks)
        {
            hook.AssertVerified(name);
        }
    }

    private async Task HandleAsync(string name, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var hook = this[name];
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var body = buffer.ToArray();
        var rejection = OfficialDeliveryCheck.Reject(headers, body, context.Request.ContentType, _trusted.Keys, out var cloudEvent, out var batch);
        var request = new ReceivedRequest(headers, body, context.Request.ContentType, DateTimeOffset.UtcNow) { Event = cloudEvent, Batch = batch, Rejection = rejection };
        var (status, answer, retryAfter) = hook.Next(request);
        if (hook.Delay > TimeSpan.Zero)
        {
            await Task.Delay(hook.Delay);
        }

        context.Response.StatusCode = status;
        if (answer == TruncatedBody)
        {
            context.Response.ContentLength = 100; // promise 100 bytes, send 3: the caller sees the response cut short
            await context.Response.WriteAsync("cut");
            context.Abort();
            return;
        }

        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        if (answer is not null)
        {
            await context.Response.WriteAsync(answer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One webhook endpoint: its script and what it received.</summary>
    public sealed class Hook
    {
        private readonly ConcurrentQueue<(int Status, string? Body, string? RetryAfter)> _script = new();
        private readonly ConcurrentQueue<ReceivedRequest> _received = new();
        private readonly SemaphoreSlim _signal = new(0);

        public int DefaultStatus { get; set; } = 200;

        /// <summary>Decides the status per request (null: fall back to the script and the default); sees the request and how often its id came before.</summary>
        public Func<ReceivedRequest, int, int?>? Decide { get; set; }

        /// <summary>How long the hook takes to answer.</summary>
        public TimeSpan Delay { get; set; }

        /// <summary>Every request so far; throws when the official libraries rejected one.</summary>
        public IReadOnlyList<ReceivedRequest> Received
        {
            get
            {
                AssertVerified("this hook");
                return [.. _received];
            }
        }

        internal void AssertVerified(string name)
        {
            var rejected = _received.Where(r => r.Rejection is not null).Select(r => $"{r.Headers.GetValueOrDefault("webhook-id")}: {r.Rejection}").ToList();
            Assert.True(rejected.Count == 0, $"The official libraries rejected {rejected.Count} delivery(ies) to {name}: {string.Join(" | ", rejected)}");
        }

        public Hook Answer(int status, string? body = null, string? retryAfter = null)
        {
            _script.Enqueue((status, body, retryAfter));
            return this;
        }

        internal (int, string?, string?) Next(ReceivedRequest request)
        {
            // The answer is decided before the request counts as received: a test that reacts to a request it saw (revokes
            // a token, changes the script) must not change the answer to that same request.
            var earlier = _received.Count(r => r.Headers.GetValueOrDefault("webhook-id") == request.Headers.GetValueOrDefault("webhook-id"));
            (int, string?, string?) answer = Decide?.Invoke(request, earlier) is { } decided
                ? (decided, null, null)
                : _script.TryDequeue(out var next) ? next : (DefaultStatus, null, null);
            _received.Enqueue(request);
            _signal.Release();
            return answer;
        }

        /// <summary>Waits until at least <paramref name="count"/> requests arrived.</summary>
        public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (_received.Count < count)
            {
                AssertVerified("this hook");
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
                {
                    throw new TimeoutException($"Expected {count} webhook request(s) within {timeout}; got {_received.Count}.");
                }
            }
            return Received;
        }
    }
}

/// <summary>A request the receiver got, with the CloudEvent the official formatter decoded from it.</summary>
public sealed record ReceivedRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType, DateTimeOffset At)
{
    /// <summary>The body as CloudNative.CloudEvents decoded it (null when it was rejected).</summary>
    public CloudEvent? Event { get; init; }

    /// <summary>The events of a batch call as CloudNative.CloudEvents decoded them (null for a single event or a rejected request).</summary>
    public IReadOnlyList<CloudEvent>? Batch { get; init; }

    /// <summary>The decoded batch; fails the test when the request was no batch the official libraries accepted.</summary>
    public IReadOnlyList<CloudEvent> Events => Batch ?? throw new InvalidOperationException("Not a batch the official libraries accepted: " + Rejection);

    /// <summary>Why the official libraries rejected the request (null when they accepted it).</summary>
    public string? Rejection { get; init; }

    /// <summary>The decoded CloudEvent; fails the test when the official libraries rejected the request.</summary>
    public CloudEvent CloudEvent => Event ?? throw new InvalidOperationException("The official libraries rejected this delivery: " + Rejection);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string MessageId => Headers["webhook-id"];

    /// <summary>What a failure message shows of the request (never throws, unlike the decoded views).</summary>
    public override string ToString() =>
        $"{Headers.GetValueOrDefault("webhook-id")} at {At:O}: {ContentType}, {Body.Length} bytes, authorization {(Headers.ContainsKey("authorization") ? "set" : "none")}{(Rejection is null ? "" : ", rejected: " + Rejection)}";
}
