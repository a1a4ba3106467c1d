using System.Text.Json;
using Bridge.Http;
using Bridge.Security;
using Bridge.Store.DeadLetters;
using Bridge.Store.Sources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Sources;

/// <summary>
/// <c>/api/sources</c>: the configured sources and the messages they could not read, which an operator replays through
/// the source's current mapping (after fixing it) or purges. Admin only.
/// </summary>
internal static class SourcesApi
{
    private const int MaxPage = 500;
    private const int MaxReplayAll = 1000;

    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sources").WithTags("Sources").RequireAdmin();
        api.MapGet("/", ListAsync)
            .WithName("ListSources")
            .WithSummary("List sources")
            .WithDescription("Every broker source: the entity it reads, the topic it feeds and how many of its messages are open dead letters.");
        api.MapGet("/{source}/dead-letters", ListDeadLettersAsync)
            .WithName("ListSourceDeadLetters")
            .WithSummary("List a source's dead letters")
            .WithDescription("Messages the source could not read, newest first; 'state' (open, replayed, purged) filters, 'before' (an id) pages.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{source}/dead-letters/{id:long}", GetDeadLetterAsync)
            .WithName("GetSourceDeadLetter")
            .WithSummary("Get a source dead letter")
            .WithDescription("The message as it arrived: headers and broker fields, and the body as base64.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{source}/dead-letters/{id:long}/replay", ReplayAsync)
            .WithName("ReplaySourceDeadLetter")
            .WithSummary("Replay a source dead letter")
            .WithDescription("Reads the kept message again through the source's current mapping and publishes its events to the topic. "
                + "422 when it still cannot be read (the dead letter stays open), 409 when it is no longer open.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{source}/dead-letters/replay", ReplayAllAsync)
            .WithName("ReplaySourceDeadLetters")
            .WithSummary("Replay every open source dead letter")
            .WithDescription($"Replays the source's open dead letters, oldest first (at most {MaxReplayAll} per call); lists those that still cannot be read.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapDelete("/{source}/dead-letters/{id:long}", PurgeAsync)
            .WithName("PurgeSourceDeadLetter")
            .WithSummary("Purge a source dead letter")
            .WithDescription("Marks the dead letter purged (who and when are kept) without publishing it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<SourceList>> ListAsync(SourceDefinitions sources, SourceStore store, CancellationToken cancellationToken)
    {
        var open = await store.OpenCountsAsync(cancellationToken);
        return TypedResults.Ok(new SourceList([.. sources.All.Select(s =>
            new SourceView(s.Name, s.Topic, s.Reader.Section.ToLowerInvariant(), s.Reader.Describe(s.Name, s.Settings), open.GetValueOrDefault(s.Name)))]));
    }

    private static async Task<Results<Ok<SourceDeadLetterPage>, ProblemHttpResult>> ListDeadLettersAsync(
        string source, string? state, long? before, int? limit, SourceDefinitions sources, SourceStore store, CancellationToken cancellationToken)
    {
        if (sources.Find(source) is null)
        {
            return UnknownSource(source);
        }

        var errors = new Dictionary<string, string[]>();
        DeadLetterState? wanted = null;
        if (state is not null)
        {
            if (Enum.TryParse<DeadLetterState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors["state"] = ["Must be open, replayed or purged."];
            }
        }

        if (limit is < 1 or > MaxPage)
        {
            errors["limit"] = [$"Must be 1-{MaxPage}."];
        }

        if (before is < 1)
        {
            errors["before"] = ["Must be a dead letter's id."];
        }

        if (errors.Count > 0)
        {
            return Problems.InvalidQuery(errors);
        }

        var page = limit ?? 100;
        var items = await store.ListAsync(source, wanted, before, page, cancellationToken);
        return TypedResults.Ok(new SourceDeadLetterPage([.. items.Select(SourceDeadLetterSummary.From)], items.Count == page ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<SourceDeadLetterDetail>, ProblemHttpResult>> GetDeadLetterAsync(
        string source, long id, SourceDefinitions sources, SourceStore store, CancellationToken cancellationToken) =>
        sources.Find(source) is null ? UnknownSource(source)
        : await store.FindAsync(source, id, cancellationToken) is { } deadLetter ? TypedResults.Ok(SourceDeadLetterDetail.From(deadLetter))
        : NotFound(source, id);

    private static async Task<Results<Ok<SourceReplayResult>, ProblemHttpResult>> ReplayAsync(
        string source, long id, HttpContext context, SourceDefinitions sources, SourceReplayer replayer, CancellationToken cancellationToken)
    {
        if (sources.Find(source) is not { } definition)
        {
            return UnknownSource(source);
        }

        SourceReplayer.Result result;
        try
        {
            result = await replayer.ReplayAsync(definition, id, Requester(context), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Unavailable(source, ex);
        }

        return result switch
        {
            { Missing: true } => NotFound(source, id),
            { NotOpen: true } => Problems.Create(StatusCodes.Status409Conflict, "source-dead-letter-resolved", "Not an open dead letter",
                $"Dead letter {id} of source '{source}' was already replayed or purged."),
            { Reason: { } reason } => Problems.Create(StatusCodes.Status422UnprocessableEntity, "source-message-unreadable", "Still unreadable",
                $"The source's current mapping still cannot read dead letter {id} ({reason}): {result.Description}"),
            _ => TypedResults.Ok(new SourceReplayResult(id, result.Published, result.Duplicates)),
        };
    }

    private static async Task<Results<Ok<SourceReplayAllResult>, ProblemHttpResult>> ReplayAllAsync(
        string source, HttpContext context, SourceDefinitions sources, SourceStore store, SourceReplayer replayer, CancellationToken cancellationToken)
    {
        if (sources.Find(source) is not { } definition)
        {
            return UnknownSource(source);
        }

        var by = Requester(context);
        var open = await store.ListAsync(source, DeadLetterState.Open, null, MaxReplayAll, cancellationToken, oldestFirst: true);
        var replayed = new List<SourceReplayResult>();
        var failing = new List<SourceReplayFailure>();
        foreach (var deadLetter in open)
        {
            SourceReplayer.Result result;
            try
            {
                result = await replayer.ReplayAsync(definition, deadLetter.Id, by, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Unavailable(source, ex, replayed.Count);
            }


            if (result.Reason is { } reason)
            {
                failing.Add(new SourceReplayFailure(deadLetter.Id, reason, result.Description));
            }
            else if (!result.Missing && !result.NotOpen)
            {
                replayed.Add(new SourceReplayResult(deadLetter.Id, result.Published, result.Duplicates));
            }
        }

        return TypedResults.Ok(new SourceReplayAllResult(replayed, failing));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> PurgeAsync(
        string source, long id, HttpContext context, SourceDefinitions sources, SourceStore store, CancellationToken cancellationToken)
    {
        if (sources.Find(source) is null)
        {
            return UnknownSource(source);
        }

        if (await store.FindAsync(source, id, cancellationToken) is null)
        {
            return NotFound(source, id);
        }

        return await store.ResolveAsync(id, DeadLetterState.Purged, Requester(context), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status409Conflict, "source-dead-letter-resolved", "Not an open dead letter", $"Dead letter {id} of source '{source}' was already replayed or purged.");
    }

    /// <summary>503: the broker or the store failed during a replay; what was claimed is open again, nothing is lost.</summary>
    private static ProblemHttpResult Unavailable(string source, Exception exception, int replayed = 0) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "broker-unavailable", "Broker or store unavailable",
            $"Replaying dead letters of source '{source}' failed after {replayed} replayed ({exception.GetType().Name}); the dead letter stays open. Try again.");

    /// <summary>Who replays or purges, as the dead letter records it.</summary>
    private static string Requester(HttpContext context) => context.User.Identity?.Name ?? "anonymous";

    private static ProblemHttpResult UnknownSource(string source) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-source", "Unknown source", $"No source is named '{source}'.");

    private static ProblemHttpResult NotFound(string source, long id) =>
        Problems.Create(StatusCodes.Status404NotFound, "source-dead-letter-not-found", "Dead letter not found", $"Source '{source}' has no dead letter {id}.");
}

/// <summary>A source.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Topic">The topic it feeds.</param>
/// <param name="Broker">The broker kind (<c>rabbitmq</c>, <c>servicebus</c>).</param>
/// <param name="Entity">What it reads, in words.</param>
/// <param name="OpenDeadLetters">Messages it could not read that are still open.</param>
public sealed record SourceView(string Name, string Topic, string Broker, string Entity, int OpenDeadLetters);

/// <summary>The sources.</summary>
public sealed record SourceList(IReadOnlyList<SourceView> Items);

/// <summary>A source dead letter in a list.</summary>
public sealed record SourceDeadLetterSummary(
    long Id, string Source, string Topic, string? MessageId, string Reason, string? Description, string? ContentType, int Size,
    DateTimeOffset DeadLetteredAt, string State, DateTimeOffset? ResolvedAt, string? ResolvedBy, IReadOnlyList<string> ReplayedIds)
{
    internal static SourceDeadLetterSummary From(SourceDeadLetter d) => new(
        d.Id, d.Source, d.Topic, d.MessageId, d.Reason, d.Description, d.ContentType, d.Body.Length, d.DeadLetteredAt,
        JsonNamingPolicy.CamelCase.ConvertName(d.State.ToString()), d.ResolvedAt, d.ResolvedBy,
        d.ReplayedIds is { Length: > 0 } ids ? ids.Split(',') : []);
}

/// <summary>A page of source dead letters; pass <see cref="Next"/> as <c>before</c> for the next (older) page.</summary>
public sealed record SourceDeadLetterPage(IReadOnlyList<SourceDeadLetterSummary> Items, long? Next);

/// <summary>A source dead letter with the message as it arrived.</summary>
/// <param name="DeadLetter">The summary.</param>
/// <param name="Headers">Broker fields and properties (times as <c>{"$time"}</c>, bytes as <c>{"$base64"}</c>).</param>
/// <param name="Body">The body, base64.</param>
public sealed record SourceDeadLetterDetail(SourceDeadLetterSummary DeadLetter, JsonElement Headers, string Body)
{
    internal static SourceDeadLetterDetail From(SourceDeadLetter d) =>
        new(SourceDeadLetterSummary.From(d), SourceMessageJson.View(d.Headers), Convert.ToBase64String(d.Body));
}

/// <summary>A replayed source dead letter.</summary>
/// <param name="Id">The dead letter.</param>
/// <param name="Published">Ids of the events published to the topic.</param>
/// <param name="Duplicates">Events skipped as published before.</param>
public sealed record SourceReplayResult(long Id, IReadOnlyList<string> Published, int Duplicates);

/// <summary>A source dead letter that still cannot be read.</summary>
public sealed record SourceReplayFailure(long Id, string Reason, string? Description);

/// <summary>What replaying every open dead letter did.</summary>
public sealed record SourceReplayAllResult(IReadOnlyList<SourceReplayResult> Replayed, IReadOnlyList<SourceReplayFailure> StillFailing);
