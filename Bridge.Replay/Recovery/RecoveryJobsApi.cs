using System.Globalization;
using Bridge.Http;
using Bridge.Replay.ReplayJobs;
using Bridge.Security;
using Bridge.Store.Retention;
using Bridge.Topology;
using Bridge.Webhooks.Destinations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.Recovery;

/// <summary>
/// Recovery jobs: re-send the events a push subscription delivered in a window — to its webhook or a corrected URL —
/// paced, in per-key order, with the same <c>webhook-id</c>, while the audit trail still holds them. Run by the replay-job runner.
/// </summary>
public static class RecoveryJobsApi
{
    private const string Description =
        "Events are those the subscription delivered (answered 2xx) between 'from' and 'to' (delivery time, both inclusive; 'to' defaults to now), "
        + "as far back as the topic's event retention reaches. Each is sent again by the job itself, in acceptance order (so per ordering key), "
        + "signed like any delivery and with its envelope id as webhook-id, at most ratePerSecond; a failed call is not retried and holds back "
        + "the rest of its ordering key. Answers 202 with the job and its Location.";

    /// <summary>Maps the two create routes and <c>/api/recovery-jobs</c>.</summary>
    public static RouteGroupBuilder MapRecoveryJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/topics/{topic}/subscriptions/{subscription}/recovery-jobs", CreateAsync)
            .RequireAdmin()
            .WithTags("Recovery jobs")
            .WithName("CreateRecoveryJob")
            .WithRequestExample(""" { "from": "2026-03-02T09:00:00Z", "to": "2026-03-02T13:30:00Z", "url": "https://recipes.example.com/webhooks/orders-v2", "ratePerSecond": 20 } """)
            .WithSummary("Start a recovery job")
            .WithDescription("Queues a job that re-sends what the push subscription delivered in a window to its webhook, or to the corrected 'url'. " + Description)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/topics/{topic}/recovery-jobs", CreateForTopicAsync)
            .RequireAdmin()
            .WithTags("Recovery jobs")
            .WithName("CreateTopicRecoveryJobs")
            .WithRequestExample(""" { "from": "2026-03-02T09:00:00Z", "to": "2026-03-02T13:30:00Z", "ratePerSecond": 20 } """)
            .WithSummary("Start recovery jobs for every push subscription of a topic")
            .WithDescription("Queues one recovery job per push subscription of the topic, each re-sending what its subscription delivered in the "
                + "window to its own webhook (no 'url' here). " + Description.Replace("the job and its Location", "the jobs; Location lists them", StringComparison.Ordinal))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var api = app.MapGroup("/api/recovery-jobs").WithTags("Recovery jobs").RequireAdmin();

        api.MapGet("/", ListAsync)
            .WithName("ListRecoveryJobs")
            .WithSummary("List recovery jobs")
            .WithDescription("Recovery jobs newest first, optionally of one topic, subscription or status. Page with 'before' (the 'next' of the previous page).")
            .ProducesValidationProblem();

        api.MapGet("/{id}", GetAsync)
            .WithName("GetRecoveryJob")
            .WithSummary("Get a recovery job")
            .WithDescription("The job's status and progress: selected, sent, skipped, failed, remaining, percent, times and error.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelRecoveryJob")
            .WithSummary("Cancel a recovery job")
            .WithDescription("Stops a queued or running job; what it sent stays sent, the rest is not sent.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    /// <summary>Creates a recovery job for one subscription.</summary>
    public static async Task<Results<Accepted<RecoveryJobView>, ProblemHttpResult>> CreateAsync(
        string topic, string subscription, CreateRecoveryJobRequest? request, HttpContext context, [AsParameters] RecoveryJobServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var address = new SubscriptionAddress(topic, subscription);
        if (services.Catalog.Find(address) is not { } definition)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        request ??= new CreateRecoveryJobRequest();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (definition.Webhook is null)
        {
            errors["subscription"] = [$"{address} is a pull subscription: recovery calls webhooks. Its clients receive what they are sent; nothing was delivered to a webhook to recover."];
        }
        var selection = Validate(topic, request, services, errors);
        Uri? target = null;
        if (request.Url is { } url)
        {
            if (!ReplayJobRequests.TryParseTarget(url, "url", out target, out var problem))
            {
                errors["url"] = [problem];
            }
            else if (await services.Destinations.RefuseAsync(target!, context.RequestAborted) is { } refused)
            {
                errors["url"] = [$"'url' is refused by the destination policy: {refused}"];
            }
        }
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var jobs = await services.Jobs.CreateAsync(
            ReplayJobKind.Recovery, [address], selection.ToJson(), Rate(request, services), target, Requester.Of(context), CancellationToken.None);
        return TypedResults.Accepted($"/api/recovery-jobs/{jobs[0].Id}", RecoveryJobView.From(jobs[0]));
    }

    /// <summary>Creates a recovery job for each push subscription of a topic.</summary>
    public static async Task<Results<Accepted<RecoveryJobSet>, ProblemHttpResult>> CreateForTopicAsync(
        string topic, CreateRecoveryJobRequest? request, HttpContext context, [AsParameters] RecoveryJobServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Catalog.HasTopic(topic))
        {
            return Problems.UnknownTopic(topic);
        }

        request ??= new CreateRecoveryJobRequest();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var addresses = services.Catalog.Subscriptions
            .Where(s => s.Address.Topic == topic && s.Webhook is not null)
            .Select(s => s.Address)
            .OrderBy(a => a.Subscription, StringComparer.Ordinal)
            .ToList();
        if (addresses.Count == 0)
        {
            errors["topic"] = [$"Topic '{topic}' has no push subscription: recovery calls webhooks."];
        }
        if (request.Url is not null)
        {
            errors["url"] = [$"A corrected 'url' is for one subscription: post to /api/topics/{topic}/subscriptions/{{subscription}}/recovery-jobs."];
        }
        var selection = Validate(topic, request, services, errors);
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var jobs = await services.Jobs.CreateAsync(
            ReplayJobKind.Recovery, addresses, selection.ToJson(), Rate(request, services), null, Requester.Of(context), CancellationToken.None);
        return TypedResults.Accepted($"/api/recovery-jobs?topic={Uri.EscapeDataString(topic)}", new RecoveryJobSet(topic, [.. jobs.Select(RecoveryJobView.From)]));
    }

    /// <summary>Lists recovery jobs.</summary>
    public static Task<Results<Ok<RecoveryJobPage>, ProblemHttpResult>> ListAsync(
        [AsParameters] ReplayJobQuery query, [AsParameters] ReplayJobServices services, CancellationToken cancellationToken) =>
        ReplayJobRequests.ListAsync(ReplayJobKind.Recovery, query, services, RecoveryJobView.From, (items, next) => new RecoveryJobPage(items, next), cancellationToken);

    /// <summary>Gets one recovery job.</summary>
    public static Task<Results<Ok<RecoveryJobView>, ProblemHttpResult>> GetAsync(string id, [AsParameters] ReplayJobServices services, CancellationToken cancellationToken) =>
        ReplayJobRequests.GetAsync(ReplayJobKind.Recovery, id, services, RecoveryJobView.From, cancellationToken);

    /// <summary>Cancels a recovery job.</summary>
    public static Task<Results<Ok<RecoveryJobView>, ProblemHttpResult>> CancelAsync(string id, [AsParameters] ReplayJobServices services) =>
        ReplayJobRequests.CancelAsync(ReplayJobKind.Recovery, id, services, RecoveryJobView.From);

    /// <summary>Checks the window and the rate; returns the selection, 'to' resolved to now when absent.</summary>
    private static RecoverySelection Validate(string topic, CreateRecoveryJobRequest request, RecoveryJobServices services, Dictionary<string, string[]> errors)
    {
        var now = services.Time.GetUtcNow();
        var to = request.To ?? now;
        ReplayJobRequests.Rate(request.RatePerSecond, services.Options.Value, errors);
        if (request.To is { } end && end > now)
        {
            errors["to"] = [$"'to' ({end:O}) is in the future: only what was delivered can be recovered."];
        }
        if (request.From is not { } from)
        {
            errors["from"] = ["'from' is required: the start of the delivery window, as an RFC 3339 time."];
            return new RecoverySelection(to, to);
        }

        var kept = services.Retention.Value.EventsOf(topic);
        if (from > now)
        {
            errors["from"] = [$"'from' ({from:O}) is in the future: only what was delivered can be recovered."];
        }
        else if (from > to)
        {
            errors["from"] = [$"'from' ({from:O}) is after 'to' ({to:O})."];
        }
        else if (from < now - kept)
        {
            errors["from"] = [$"'from' ({from:O}) is older than the audit trail reaches: events of topic '{topic}' and their deliveries are kept "
                + $"{kept.ToString("c", CultureInfo.InvariantCulture)} (Bridge:Store:Retention), so a recovery can start at {now - kept:O} at the earliest."];
        }
        return new RecoverySelection(from, to);
    }

    private static int Rate(CreateRecoveryJobRequest request, RecoveryJobServices services) =>
        request.RatePerSecond ?? services.Options.Value.DefaultRatePerSecond;
}

/// <summary>What the recovery-job create endpoints need.</summary>
public sealed record RecoveryJobServices(
    TopologyCatalog Catalog, ReplayJobStore Jobs, IOptions<ReplayJobOptions> Options, IOptions<RetentionOptions> Retention, DestinationPolicy Destinations, TimeProvider Time);
