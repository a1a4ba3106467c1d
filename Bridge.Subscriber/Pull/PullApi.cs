using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bridge.Http;
using Bridge.Messaging;
using Bridge.Security;
using Bridge.Subscriber.Delivery;
using Bridge.Telemetry;
using Bridge.Topology;
using Bridge.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Subscriber.Pull;

/// <summary>
/// Pull delivery (<c>/api/topics/{topic}/subscriptions/{subscription}/messages</c>): clients that cannot expose a
/// webhook receive a pull subscription's envelopes under a lock, with long-polling while it is empty, and complete,
/// abandon (with a delay), dead-letter or renew each one — the broker's peek-lock over HTTP. Requires
/// <c>subscribe:{topic}</c> (or <c>subscribe:*</c>) and the subscription's owner identity, or <c>admin</c>; to anyone
/// else the subscription does not exist (404). Every settlement is an attempt in the audit trail; dead letters are the
/// subscription's like any other, replayable into it.
/// </summary>
public static partial class PullApi
{
    private const int DefaultMaxMessages = 10;
    private const int MaxMessagesLimit = 100;
    private const double MaxWaitSeconds = 30;
    private const double MaxDelaySeconds = 3600;

    /// <summary>Maps the pull routes.</summary>
    public static IEndpointRouteBuilder MapPullApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics/{topic}/subscriptions/{subscription}/messages").WithTags("Pull").RequireSubscribeScope();
        api.MapPost("/receive", ReceiveAsync).WithName("ReceiveMessages").WithSummary("Receive envelopes under a lock")
            .WithRequestExample("""{ "maxMessages": 10, "waitSeconds": 20 }""")
            .WithDescription("Returns up to maxMessages envelopes of a pull subscription, each locked to the caller until lockedUntil, waiting up to waitSeconds while none is there. "
                + "Settle each one with its lockToken; one whose lock expires is received again with deliveryCount + 1, and at maxDeliveries it is dead-lettered.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{lockToken}/complete", CompleteAsync).WithName("CompleteMessage").WithSummary("Complete a received envelope")
            .WithDescription("The envelope was handled: it leaves the subscription.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{lockToken}/abandon", AbandonAsync).WithName("AbandonMessage").WithSummary("Hand a received envelope back")
            .WithRequestExample("""{ "delaySeconds": 60, "reason": "ERP closed for the night" }""")
            .WithDescription("Releases the lock: the envelope is received again after delaySeconds, one delivery spent; at maxDeliveries it is dead-lettered instead.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{lockToken}/dead-letter", DeadLetterAsync).WithName("DeadLetterMessage").WithSummary("Dead-letter a received envelope")
            .WithRequestExample("""{ "reason": "InvalidOrder", "description": "Customer 4711 does not exist in the ERP" }""")
            .WithDescription("Moves the envelope to the subscription's dead letters with the reason, to be inspected and replayed like any other.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{lockToken}/renew", RenewAsync).WithName("RenewMessageLock").WithSummary("Renew the lock of a received envelope")
            .WithDescription("Extends the lock by the subscription's lock duration, for work that takes longer.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<ReceivedList>, ProblemHttpResult>> ReceiveAsync(
        string topic, string subscription, ReceiveRequest? request, HttpContext http, [AsParameters] PullServices services)
    {
        var (definition, problem) = Resolve(topic, subscription, http, services);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var max = request?.MaxMessages ?? DefaultMaxMessages;
        var wait = request?.WaitSeconds ?? 0;
        if (max is < 1 or > MaxMessagesLimit)
        {
            errors["maxMessages"] = [$"'maxMessages' must be between 1 and {MaxMessagesLimit} (was {max})."];
        }
        if (double.IsNaN(wait) || wait is < 0 or > MaxWaitSeconds)
        {
            errors["waitSeconds"] = [$"'waitSeconds' must be between 0 and {MaxWaitSeconds} (was {wait})."];
        }
        if (errors.Count > 0)
        {
            return Problems.InvalidRequest(errors);
        }

        var address = definition!.Address;
        IReadOnlyList<Lease> leases;
        try
        {
            leases = await services.Receivers.ReceiveAsync(address, max, TimeSpan.FromSeconds(wait), http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBrokerFailed(services.Logger, ex, "receive", address.ToString());
            return PullProblems.BrokerUnavailable("received");
        }

        return TypedResults.Ok(new ReceivedList([.. leases.Select(lease => new ReceivedItem(
            lease.Token, lease.Message.LockedUntil, lease.Message.DeliveryCount, definition.Spec.MaxDeliveryCount, lease.Message.EnqueuedTime,
            JsonDocument.Parse(lease.Message.SerializedEnvelope()).RootElement))]));
    }

    internal static Task<Results<NoContent, ProblemHttpResult>> CompleteAsync(
        string topic, string subscription, string lockToken, HttpContext http, [AsParameters] PullServices services) =>
        SettleAsync(topic, subscription, lockToken, http, services, "completed", async (lease, audit, ct) =>
        {
            await lease.Receiver.CompleteAsync(lease.Message, ct);
            var tags = Tags(lease.Address);
            var envelope = lease.Message.Envelope;
            await audit.Attempted(lease.Address, lease.Message, lease.ReceivedAt, Outcome(services, lease, AttemptOutcome.Delivered, null));
            BridgeTelemetry.Delivered.Add(1, tags);
            BridgeTelemetry.EndToEndLatency.Record((services.Time.GetUtcNow() - envelope.Time).TotalSeconds, tags);
            LogCompleted(services.Logger, envelope.Id, lease.Address.ToString(), lease.Message.DeliveryCount);
        });

    internal static async Task<Results<NoContent, ProblemHttpResult>> AbandonAsync(
        string topic, string subscription, string lockToken, AbandonRequest? request, HttpContext http, [AsParameters] PullServices services)
    {
        var delay = request?.DelaySeconds ?? 0;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (double.IsNaN(delay) || delay is < 0 or > MaxDelaySeconds)
        {
            errors["delaySeconds"] = [$"'delaySeconds' must be between 0 and {MaxDelaySeconds} (was {delay})."];
        }
        if (request?.Reason is { Length: > 1024 })
        {
            errors["reason"] = ["'reason' must be at most 1024 characters."];
        }
        if (errors.Count > 0 && Resolve(topic, subscription, http, services).Problem is null)
        {
            return Problems.InvalidRequest(errors);
        }

        return await SettleAsync(topic, subscription, lockToken, http, services, "abandoned", async (lease, audit, ct) =>
        {
            var error = "Abandoned by the client" + (request?.Reason is { Length: > 0 } reason ? ": " + reason : ".");
            await audit.Attempted(lease.Address, lease.Message, lease.ReceivedAt, Outcome(services, lease, AttemptOutcome.Failed, error));
            BridgeTelemetry.FailedAttempts.Add(1, Tags(lease.Address));
            await lease.Receiver.AbandonAsync(lease.Message, TimeSpan.FromSeconds(delay), ct);
            LogAbandoned(services.Logger, lease.Message.Envelope.Id, lease.Address.ToString(), lease.Message.DeliveryCount, delay);
        });
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeadLetterAsync(
        string topic, string subscription, string lockToken, DeadLetterRequest? request, HttpContext http, [AsParameters] PullServices services)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request?.Reason is not { } reason || !ReasonPattern().IsMatch(reason))
        {
            errors["reason"] = ["'reason' is required: a letter, then letters, digits, '.', '_' or '-', at most 64 characters (e.g. InvalidOrder)."];
        }
        if (request?.Description is { Length: > 1024 })
        {
            errors["description"] = ["'description' must be at most 1024 characters."];
        }
        if (errors.Count > 0 && Resolve(topic, subscription, http, services).Problem is null)
        {
            return Problems.InvalidRequest(errors);
        }

        return await SettleAsync(topic, subscription, lockToken, http, services, "dead-lettered", async (lease, audit, ct) =>
        {
            var description = request!.Description ?? "Dead-lettered by the pull client.";
            var envelope = lease.Message.Envelope;
            var tags = Tags(lease.Address);
            tags.Add("reason", request.Reason);
            BridgeTelemetry.DeadLettered.Add(1, tags);
            LogDeadLettered(services.Logger, envelope.Id, lease.Address.ToString(), request.Reason!, description, envelope.CorrelationId);
            // Recorded before the broker moves it, so the dead-letter queue never holds an envelope the store does not know of.
            await audit.DeadLetteringAsync(lease.Address, lease.Message, request.Reason!, description);
            await lease.Receiver.DeadLetterAsync(lease.Message, request.Reason!, description, ct);
        });
    }

    internal static async Task<Results<Ok<RenewedLock>, ProblemHttpResult>> RenewAsync(
        string topic, string subscription, string lockToken, HttpContext http, [AsParameters] PullServices services)
    {
        DateTimeOffset until = default;
        var settled = await SettleAsync(topic, subscription, lockToken, http, services, "renewed", async (lease, _, ct) =>
        {
            until = await lease.Receiver.RenewLockAsync(lease.Message, ct);
            services.Receivers.Renewed(lease, until);
        }, endsLease: false);
        return settled.Result is ProblemHttpResult problem ? problem : TypedResults.Ok(new RenewedLock(until));
    }

    /// <summary>Finds the caller's lease and applies <paramref name="settle"/>; a lost lock is 410, a broker failure 503.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SettleAsync(
        string topic, string subscription, string lockToken, HttpContext http, PullServices services, string what,
        Func<Lease, DeliveryAudit, CancellationToken, Task> settle, bool endsLease = true)
    {
        if (Resolve(topic, subscription, http, services) is { Problem: { } problem })
        {
            return problem;
        }

        var address = new SubscriptionAddress(topic, subscription);
        if (services.Receivers.Find(address, lockToken) is not { } lease)
        {
            return PullProblems.LockGone();
        }

        try
        {
            await settle(lease, services.Audit, CancellationToken.None);
        }
        catch (MessageLockLostException)
        {
            services.Receivers.End(lease);
            return PullProblems.LockGone();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogBrokerFailed(services.Logger, ex, what, address.ToString());
            return PullProblems.BrokerUnavailable(what);
        }

        if (endsLease)
        {
            services.Receivers.End(lease);
        }
        return TypedResults.NoContent();
    }

    /// <summary>The pull subscription the caller may read, or the problem: 404 when it does not exist for the caller, 409 when it is a push one.</summary>
    private static (SubscriptionDefinition? Definition, ProblemHttpResult? Problem) Resolve(string topic, string subscription, HttpContext http, PullServices services)
    {
        var definition = services.Catalog.Find(new SubscriptionAddress(topic, subscription));
        var admin = BridgeClaims.ScopesOf(http.User).Contains("admin");
        var caller = BridgeClaims.PublisherOf(http.User);
        var owner = definition?.Pull?.Owner;
        if (definition is null || !(admin || (owner is not null && string.Equals(owner, caller, StringComparison.Ordinal))))
        {
            return (null, Problems.UnknownSubscription(topic, subscription));
        }
        return definition.Pull is null ? (null, PullProblems.NotPull(topic, subscription)) : (definition, null);
    }

    private static WebhookCallResult Outcome(PullServices services, Lease lease, AttemptOutcome outcome, string? error) =>
        new(outcome, null, services.Time.GetUtcNow() - lease.ReceivedAt, error, null, null);

    private static TagList Tags(SubscriptionAddress address) => new() { { "topic", address.Topic }, { "subscription", address.Subscription } };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Completed {MessageId} of {Subscription} by its pull client (delivery {DeliveryCount})")]
    private static partial void LogCompleted(ILogger logger, string messageId, string subscription, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoned {MessageId} of {Subscription} by its pull client (delivery {DeliveryCount}); offered again in {DelaySeconds} s")]
    private static partial void LogAbandoned(ILogger logger, string messageId, string subscription, int deliveryCount, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} of {Subscription} by its pull client: {Reason} ({Description}) (correlation {CorrelationId})")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string subscription, string reason, string description, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker failed a pull {Operation} of {Subscription}")]
    private static partial void LogBrokerFailed(ILogger logger, Exception exception, string operation, string subscription);
}

/// <summary>What the pull routes use.</summary>
internal sealed record PullServices(TopologyCatalog Catalog, PullReceivers Receivers, DeliveryAudit Audit, TimeProvider Time, ILogger<PullReceivers> Logger);

/// <summary>The pull routes' own problems.</summary>
internal static class PullProblems
{
    public static ProblemHttpResult NotPull(string topic, string subscription) =>
        Problems.Create(StatusCodes.Status409Conflict, "not-a-pull-subscription", "Not a pull subscription",
            $"Subscription '{subscription}' of topic '{topic}' delivers to its webhook; only a pull subscription (Delivery: pull) is read over HTTP.");

    public static ProblemHttpResult LockGone() =>
        Problems.Create(StatusCodes.Status410Gone, "lock-lost", "Lock lost",
            "No envelope is locked under this token here: it was settled already, its lock expired (the envelope returns to the subscription "
            + "and is received again), or the lock belongs to another process.");

    public static ProblemHttpResult BrokerUnavailable(string what) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "broker-unavailable", "Broker unavailable",
            $"The broker could not be reached, so nothing was {what}; try again. A lock that expires meanwhile returns its envelope to the subscription.");
}
