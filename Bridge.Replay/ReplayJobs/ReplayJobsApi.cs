using Bridge.Http;
using Bridge.Replay.DeadLetters;
using Bridge.Security;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.ReplayJobs;

/// <summary>Replay jobs: bulk replays of a subscription's dead letters, run in the background at a bounded rate with visible progress.</summary>
public static class ReplayJobsApi
{
    /// <summary>Largest page of jobs.</summary>
    public const int MaxPageSize = 200;

    private const int FilterJsonMaxLength = 4000;

    /// <summary>Maps <c>POST /api/topics/{topic}/subscriptions/{subscription}/replay-jobs</c> and <c>/api/replay-jobs</c>.</summary>
    public static RouteGroupBuilder MapReplayJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/topics/{topic}/subscriptions/{subscription}/replay-jobs", CreateAsync)
            .RequireAdmin()
            .WithTags("Replay jobs")
            .WithName("CreateReplayJob")
            .WithRequestExample(""" { "filter": { "reason": "MaxAttemptsExceeded", "type": "order.created" }, "ratePerSecond": 10, "targetUrl": "https://recipes.example.com/webhooks/orders-v2" } """)
            .WithSummary("Start a replay job")
            .WithDescription("Queues a job that replays the subscription's dead letters the filter takes (reason, type, from, to, messageIds) "
                + "that were dead-lettered before now, in dead-letter order, at most ratePerSecond. With targetUrl the job delivers each one "
                + "to that corrected endpoint itself, signed with the subscription's secret, and purges it once delivered. Answers 202 with the "
                + "job and its Location.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var api = app.MapGroup("/api/replay-jobs").WithTags("Replay jobs").RequireAdmin();

        api.MapGet("/", ListAsync)
            .WithName("ListReplayJobs")
            .WithSummary("List replay jobs")
            .WithDescription("Replay jobs newest first, optionally of one topic, subscription or status. Page with 'before' (the 'next' of the previous page).")
            .ProducesValidationProblem();

        api.MapGet("/{id}", GetAsync)
            .WithName("GetReplayJob")
            .WithSummary("Get a replay job")
            .WithDescription("The job's status and progress: total, replayed, skipped, failed, remaining, percent, times and error.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelReplayJob")
            .WithSummary("Cancel a replay job")
            .WithDescription("Stops a queued or running job; what it replayed stays replayed, the rest stays in the dead-letter queue.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    /// <summary>Creates a replay job.</summary>
    public static async Task<Results<Accepted<ReplayJobView>, ProblemHttpResult>> CreateAsync(
        string topic, string subscription, CreateReplayJobRequest? request, HttpContext context, [AsParameters] ReplayJobServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        var address = new SubscriptionAddress(topic, subscription);
        if (services.Catalog.Find(address) is not { } definition)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        request ??= new CreateReplayJobRequest();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var selection = (request.Filter ?? new DeadLetterFilter()).Validate(errors, "filter.");
        if (selection.ToJson().Length > FilterJsonMaxLength)
        {
            errors["filter"] = [$"The filter is too long to store ({FilterJsonMaxLength} characters as JSON); name fewer message ids."];
        }

        var rate = ReplayJobRequests.Rate(request.RatePerSecond, services.Options.Value, errors);
        Uri? target = null;
        if (request.TargetUrl is { } url && !ReplayJobRequests.TryParseTarget(url, "targetUrl", out target, out var problem))
        {
            errors["targetUrl"] = [problem];
        }
        else if (target is not null && definition.Webhook is null)
        {
            errors["targetUrl"] = [$"{address} is a pull subscription: it has no webhook secret to sign a call with. Replay into the subscription (leave targetUrl out) and receive the envelopes again."];
        }
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var job = await services.Jobs.CreateAsync(address, selection, rate, target, Requester.Of(context), CancellationToken.None);
        return TypedResults.Accepted($"/api/replay-jobs/{job.Id}", ReplayJobView.From(job));
    }

    /// <summary>Lists replay jobs.</summary>
    public static Task<Results<Ok<ReplayJobPage>, ProblemHttpResult>> ListAsync(
        [AsParameters] ReplayJobQuery query, [AsParameters] ReplayJobServices services, CancellationToken cancellationToken) =>
        ReplayJobRequests.ListAsync(ReplayJobKind.DeadLetters, query, services, ReplayJobView.From, (items, next) => new ReplayJobPage(items, next), cancellationToken);

    /// <summary>Gets one replay job.</summary>
    public static Task<Results<Ok<ReplayJobView>, ProblemHttpResult>> GetAsync(string id, [AsParameters] ReplayJobServices services, CancellationToken cancellationToken) =>
        ReplayJobRequests.GetAsync(ReplayJobKind.DeadLetters, id, services, ReplayJobView.From, cancellationToken);

    /// <summary>Cancels a replay job.</summary>
    public static Task<Results<Ok<ReplayJobView>, ProblemHttpResult>> CancelAsync(string id, [AsParameters] ReplayJobServices services) =>
        ReplayJobRequests.CancelAsync(ReplayJobKind.DeadLetters, id, services, ReplayJobView.From);
}

/// <summary>What the replay-job endpoints need.</summary>
public sealed record ReplayJobServices(TopologyCatalog Catalog, ReplayJobStore Jobs, IOptions<ReplayJobOptions> Options);
