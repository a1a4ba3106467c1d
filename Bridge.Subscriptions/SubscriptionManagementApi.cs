using Bridge.Http;
using Bridge.Messaging;
using Bridge.Security;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Bridge.Webhooks.Credentials;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriptions;

/// <summary>
/// Subscriptions at run time (REST hooks): <c>/api/topics/{topic}/subscriptions</c>. Create (a push subscription's secret
/// is generated and returned once; a pull subscription has none and is read by its creator over the pull routes), list,
/// get, replace, delete, pause, resume and rotate the secret (the last three for push subscriptions only). Requires
/// <c>subscribe:{topic}</c>, <c>subscribe:*</c> or <c>admin</c>; a subscribe key sees and manages only the subscriptions its
/// identity created, an admin every one, and configured ones are read-only (<see cref="SubscriptionCaller"/>). Changes take effect in this process before the answer
/// and in every other process within <c>Bridge:Subscriptions:SyncInterval</c>.
/// </summary>
public static class SubscriptionManagementApi
{
    private const string Example = """
        { "name": "erp-orders", "url": "https://hooks.example.com/bridge/orders", "description": "Orders to the ERP recipe",
          "filter": { "types": ["order.created"], "subject": null, "properties": {} },
          "timeoutSeconds": 30, "maxAttempts": 8, "concurrency": 4, "ordered": false, "lockDurationSeconds": 60 }
        """;

    private const string CredentialsText =
        " Optional \"credentials\" (push only) authenticate the calls beside the signature: static headers, and HTTP Basic or an OAuth 2.0 client " +
        "(client credentials grant); their secret values are stored encrypted and never returned.";

    private const string DeliveryText =
        " With \"delivery\": \"pull\" there is no webhook (leave url, timeoutSeconds, concurrency, format and projection out): " +
        "keys of the creating identity holding subscribe:{topic}, and admins, receive and settle its envelopes over " +
        "…/subscriptions/{subscription}/messages/receive; maxAttempts counts receives, and there is no secret.";

    /// <summary>Maps the subscription routes.</summary>
    public static RouteGroupBuilder MapSubscriptionManagementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics/{topic}/subscriptions").WithTags("Subscriptions").RequireSubscribeScope();
        api.MapPost("/", CreateAsync).RequireRateLimiting(SubscriptionCaller.CreationRateLimit).WithName("CreateSubscription").WithSummary("Create a subscription").WithRequestExample(Example)
            .WithDescription("Creates a subscription on the topic, owned by the caller's identity. A push subscription (the default) calls its webhook: the answer carries its signing secret (whsec_…), the only time it is shown; deliveries start at once. The URL must reach a public address (or a network the operator allows)." + CredentialsText + DeliveryText)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/", ListAsync).WithName("ListTopicSubscriptions").WithSummary("List a topic's subscriptions")
            .WithDescription("The topic's subscriptions, configured and made through the API, with their filter, target, limits and status (no secrets).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{subscription}", GetAsync).WithName("GetSubscription").WithSummary("Get a subscription")
            .WithDescription("One subscription with its filter, target, limits and status (no secret).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{subscription}", UpdateAsync).WithName("ReplaceSubscription").WithSummary("Replace a subscription").WithRequestExample(Example)
            .WithDescription("Replaces the settings of a subscription made through the API (fields left out take their defaults; credentials left out or null are removed); its secret stays. Deliveries in flight finish with the old settings. Its delivery (push or pull) cannot change: 409, delete it and create a new one.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapDelete("/{subscription}", DeleteAsync).WithName("DeleteSubscription").WithSummary("Delete a subscription")
            .WithDescription("Stops deliveries at once (those in flight finish); after they drain, its queue, waiting envelopes and dead letters are removed from the broker.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{subscription}/pause", PauseAsync).WithName("PauseSubscription").WithSummary("Pause a subscription")
            .WithDescription("Stops delivering: envelopes wait (none is dead-lettered, no attempt is spent) until it is resumed. A pull subscription is not paused here (409): its clients stop receiving instead.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{subscription}/resume", ResumeAsync).WithName("ResumeSubscription").WithSummary("Resume a subscription")
            .WithDescription("Delivers again, the waiting envelopes first, in order per ordering key. 409 for a pull subscription, which is never paused.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{subscription}/secret/rotate", RotateAsync).WithName("RotateSubscriptionSecret").WithSummary("Rotate a subscription's secret")
            .WithRequestExample("""{ "gracePeriodSeconds": 86400 }""")
            .WithDescription("Issues a new signing secret, returned once. During the grace period every call carries two signatures (new and old) in webhook-signature, so the receiver can switch without losing a call. 409 for a pull subscription, which has no secret.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    internal static async Task<Results<Created<SubscriptionResource>, ProblemHttpResult>> CreateAsync(
        string topic, SubscriptionRequest? request, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        if (!services.Catalog.HasTopic(topic))
        {
            return Problems.UnknownTopic(topic);
        }

        if (SubscriptionRequests.Read(request, null, services.Urls, services.Options.Value.Defaults, out var errors) is not { } read)
        {
            return Problems.InvalidRequest(errors);
        }

        var (name, url, settings, credentials) = read;
        if (await RefuseDestinationsAsync(url, credentials, services, http.RequestAborted) is { } refused)
        {
            return refused;
        }

        var address = new SubscriptionAddress(topic, name);
        if (services.Catalog.Find(address) is { Source: SubscriptionSource.Configuration })
        {
            return SubscriptionProblems.Configured(topic, name);
        }

        if (services.Provider.GetService<IFixedTopology>() is { } fixedTopology)
        {
            return SubscriptionProblems.FixedTopology(fixedTopology.Reason);
        }

        var caller = SubscriptionCaller.Of(http.User);
        try
        {
            if (await services.Directory.FindAsync(address, http.RequestAborted) is { } existing)
            {
                return existing.DeletedAt is null ? SubscriptionProblems.Exists(topic, name)
                    : SubscriptionProblems.BeingDeleted(http, topic, name, services.Sync.DrainedAt(existing) - services.Time.GetUtcNow());
            }

            if (await services.Directory.CountLiveAsync(topic, http.RequestAborted) >= services.Options.Value.MaxPerTopic)
            {
                return SubscriptionProblems.TooMany(topic, services.Options.Value.MaxPerTopic);
            }

            if (await services.Directory.CountOwnedAsync(caller.Id, http.RequestAborted) >= services.Options.Value.MaxPerIdentity)
            {
                return SubscriptionProblems.TooManyOwned(caller.Id, services.Options.Value.MaxPerIdentity);
            }

            if (await services.Directory.CreateAsync(address, request!.Description, url, settings, credentials, caller.Id, CancellationToken.None) is not { } created)
            {
                return SubscriptionProblems.Exists(topic, name);
            }

            var (record, secret) = created;
            await services.Sync.TryRefreshAsync(CancellationToken.None);
            return TypedResults.Created($"/api/topics/{topic}/subscriptions/{name}", Resource(record, services) with { Secret = secret });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return SubscriptionProblems.StoreUnavailable("created", ex);
        }
    }

    internal static async Task<Results<Ok<SubscriptionList>, ProblemHttpResult>> ListAsync(string topic, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        if (!services.Catalog.HasTopic(topic))
        {
            return Problems.UnknownTopic(topic);
        }

        return TypedResults.Ok(new SubscriptionList(await VisibleAsync(SubscriptionCaller.Of(http.User), topic, services, http.RequestAborted)));
    }

    /// <summary>
    /// The live subscriptions <paramref name="caller"/> may see — configured ones to an admin, API-made ones it owns —
    /// of <paramref name="topic"/>, or of every topic when null; by topic and name.
    /// </summary>
    internal static async Task<List<SubscriptionResource>> VisibleAsync(SubscriptionCaller caller, string? topic, SubscriptionServices services, CancellationToken cancellationToken)
    {
        var configured = services.Catalog.Subscriptions
            .Where(s => caller.Admin && (topic is null || s.Address.Topic == topic) && s.Source == SubscriptionSource.Configuration)
            .Select(s => SubscriptionResource.From(s, IsPaused(s, services)));
        var made = (await services.Directory.LoadAsync(cancellationToken))
            .Where(r => (topic is null || r.Topic == topic) && r.DeletedAt is null && caller.Owns(r))
            .Select(r => Resource(r, services));
        return [.. configured.Concat(made).OrderBy(s => s.Topic, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    internal static async Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> GetAsync(
        string topic, string subscription, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        var address = new SubscriptionAddress(topic, subscription);
        var caller = SubscriptionCaller.Of(http.User);
        if (services.Catalog.Find(address) is { Source: SubscriptionSource.Configuration } configured)
        {
            return caller.Admin ? TypedResults.Ok(SubscriptionResource.From(configured, IsPaused(configured, services))) : Problems.UnknownSubscription(topic, subscription);
        }

        return await services.Directory.FindAsync(address, http.RequestAborted) is { DeletedAt: null } record && caller.Owns(record)
            ? TypedResults.Ok(Resource(record, services))
            : Problems.UnknownSubscription(topic, subscription);
    }

    internal static async Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> UpdateAsync(
        string topic, string subscription, SubscriptionRequest? request, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        if (SubscriptionRequests.Read(request, subscription, services.Urls, services.Options.Value.Defaults, out var errors) is not { } read)
        {
            return Problems.InvalidRequest(errors);
        }

        var (_, url, settings, credentials) = read;
        if (await RefuseDestinationsAsync(url, credentials, services, http.RequestAborted) is { } refused)
        {
            return refused;
        }

        var owner = SubscriptionCaller.Of(http.User).OwnerFilter;
        return await ChangeAsync(topic, subscription, http, services, "changed",
            address => services.Directory.UpdateAsync(address, owner, request!.Description, url, settings, credentials, CancellationToken.None),
            record => TypedResults.Ok(Resource(record, services)));
    }

    internal static Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string topic, string subscription, HttpContext http, [AsParameters] SubscriptionServices services) =>
        ChangeAsync<NoContent>(topic, subscription, http, services, "deleted",
            address => services.Directory.DeleteAsync(address, SubscriptionCaller.Of(http.User).OwnerFilter, CancellationToken.None),
            _ => TypedResults.NoContent());

    internal static async Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> RotateAsync(
        string topic, string subscription, RotateSecretRequest? request, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        var seconds = request?.GracePeriodSeconds;
        if (seconds is < 0 or > 2_592_000 || (seconds is { } s && double.IsNaN(s)))
        {
            return Problems.InvalidRequest(new Dictionary<string, string[]> { ["gracePeriodSeconds"] = ["gracePeriodSeconds must be between 0 and 2592000 (30 days)."] });
        }

        var grace = seconds is { } given ? TimeSpan.FromSeconds(given) : services.Options.Value.DefaultSecretGracePeriod;
        var owner = SubscriptionCaller.Of(http.User).OwnerFilter;
        string? secret = null;
        return await ChangeAsync(topic, subscription, http, services, "rotated",
            async address =>
            {
                var rotated = await services.Directory.RotateAsync(address, owner, grace, CancellationToken.None);
                secret = rotated?.Secret;
                return rotated?.Record;
            },
            record => TypedResults.Ok(Resource(record, services) with { Secret = secret }));
    }

    internal static Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> PauseAsync(
        string topic, string subscription, HttpContext http, [AsParameters] SubscriptionServices services) =>
        SetPausedAsync(topic, subscription, http, services, (pauses, definition, by) => pauses.PauseAsync(definition, by, "Paused through the subscriptions API."));

    internal static Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> ResumeAsync(
        string topic, string subscription, HttpContext http, [AsParameters] SubscriptionServices services) =>
        SetPausedAsync(topic, subscription, http, services, (pauses, definition, by) => pauses.ResumeAsync(definition, by));

    private static async Task<Results<Ok<SubscriptionResource>, ProblemHttpResult>> SetPausedAsync(
        string topic, string subscription, HttpContext http, SubscriptionServices services, Func<ISubscriptionPauses, SubscriptionDefinition, string, Task> change)
    {
        var address = new SubscriptionAddress(topic, subscription);
        var caller = SubscriptionCaller.Of(http.User);
        if (services.Catalog.Find(address) is { Source: SubscriptionSource.Configuration })
        {
            // Read-only here; an operator pauses its delivery through the endpoint routes.
            return caller.Admin ? SubscriptionProblems.Configured(topic, subscription) : Problems.UnknownSubscription(topic, subscription);
        }

        SubscriptionRecord? record;
        try
        {
            record = await services.Directory.FindAsync(address, http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return SubscriptionProblems.StoreUnavailable("paused or resumed", ex);
        }

        if (record is not { DeletedAt: null } || !caller.Owns(record) || services.Catalog.Find(address) is not { } definition)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        if (definition.Pull is not null)
        {
            return SubscriptionProblems.PullNotPausable(topic, subscription);
        }

        if (services.Provider.GetService<ISubscriptionPauses>() is not { } pauses)
        {
            return SubscriptionProblems.PausesUnavailable();
        }

        try
        {
            await change(pauses, definition, caller.Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return SubscriptionProblems.StoreUnavailable("paused or resumed", ex);
        }
        return TypedResults.Ok(SubscriptionResource.From(definition, pauses.IsPaused(definition), record.CreatedAt, record.UpdatedAt));
    }

    /// <summary>Applies a change to an API-made subscription the caller may manage and brings this process up to date before answering.</summary>
    private static async Task<Results<T, ProblemHttpResult>> ChangeAsync<T>(
        string topic, string subscription, HttpContext http, SubscriptionServices services, string what,
        Func<SubscriptionAddress, Task<SubscriptionRecord?>> change, Func<SubscriptionRecord, T> answer) where T : IResult
    {
        var address = new SubscriptionAddress(topic, subscription);
        if (services.Catalog.Find(address) is { Source: SubscriptionSource.Configuration })
        {
            return SubscriptionCaller.Of(http.User).Admin ? SubscriptionProblems.Configured(topic, subscription) : Problems.UnknownSubscription(topic, subscription);
        }

        SubscriptionRecord? record;
        try
        {
            record = await change(address);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SubscriptionProblems.ChangedConcurrently(topic, subscription);
        }
        catch (DeliveryConflictException conflict)
        {
            return Problems.Create(StatusCodes.Status409Conflict, conflict.ProblemType, conflict.Title, conflict.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return SubscriptionProblems.StoreUnavailable(what, ex);
        }

        if (record is null)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        await services.Sync.TryRefreshAsync(CancellationToken.None);
        return answer(record);
    }

    /// <summary>
    /// A problem when the webhook URL or an OAuth token URL reaches a destination that is not allowed (a non-public
    /// address the operator does not allow), naming the field; null when both may be reached.
    /// </summary>
    private static async Task<ProblemHttpResult?> RefuseDestinationsAsync(Uri? url, CredentialOptions? credentials, SubscriptionServices services, CancellationToken cancellationToken)
    {
        if (url is not null && await services.Urls.RefuseDestinationAsync(url, cancellationToken) is { } refused)
        {
            return SubscriptionProblems.DestinationNotAllowed(refused);
        }

        return credentials?.OAuth2?.TokenUrl is { } tokenUrl
            && await services.Urls.RefuseDestinationAsync(new Uri(tokenUrl, UriKind.Absolute), cancellationToken) is { } refusedToken
            ? SubscriptionProblems.DestinationNotAllowed(refusedToken, "credentials.oauth2.tokenUrl")
            : null;
    }

    private static SubscriptionResource Resource(SubscriptionRecord record, SubscriptionServices services)
    {
        string? problem = null;
        var definition = services.Catalog.Find(new SubscriptionAddress(record.Topic, record.Name)) is { Source: SubscriptionSource.Api } live && live.Revision == record.Version
            ? live
            : services.Directory.Define(record, out problem);
        return definition is null
            ? SubscriptionResource.Failed(record, SubscriptionDirectory.SettingsOf(record), problem ?? UnreadableSecrets.Problem)
            : SubscriptionResource.From(definition, IsPaused(definition, services), record.CreatedAt, record.UpdatedAt);
    }

    /// <summary>Whether deliveries are paused; null in a process that does not deliver (no pauses to ask).</summary>
    private static bool? IsPaused(SubscriptionDefinition definition, SubscriptionServices services) =>
        services.Provider.GetService<ISubscriptionPauses>()?.IsPaused(definition);
}

/// <summary>What the subscription routes need.</summary>
internal sealed record SubscriptionServices(
    TopologyCatalog Catalog, SubscriptionDirectory Directory, SubscriptionSync Sync, WebhookUrlPolicy Urls,
    IOptions<SubscriptionsOptions> Options, TimeProvider Time, IServiceProvider Provider);
