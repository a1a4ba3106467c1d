using Bridge.Http;
using Bridge.Messaging;
using Bridge.Publisher.Contracts;
using Bridge.Publisher.Idempotency;
using Bridge.Publisher.Publishing;
using Bridge.Publisher.Xml;
using Bridge.Security;
using Bridge.Store.Audit;
using Bridge.Telemetry;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Bridge.Publisher;

/// <summary>The publish endpoints: <c>POST /api/topics/{topic}/events</c> and <c>…/events/batch</c>.</summary>
public static partial class PublishApi
{
    private const string HeaderPrefix = "ce-";

    /// <summary>The name of the batch endpoint.</summary>
    public const string BatchEndpointName = "PublishBatch";

    /// <summary>Maps the publish endpoints.</summary>
    public static RouteGroupBuilder MapPublishApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics/{topic}/events").WithTags("Publish").RequirePublishScope().WithIdempotencyKey();

        api.MapPost("/", PublishEventAsync)
            .WithName("PublishEvent")
            .WithSummary("Publish one event to a topic")
            .WithDescription("CloudEvents HTTP binding, both modes. Binary mode: the JSON body becomes the data of a CloudEvents 1.0 "
                + "envelope; attributes come from ce-* headers (ce-id, ce-type, ce-source, ce-subject, ce-time, ce-dataschema, ce-partitionkey; "
                + "or the type, subject, source and orderingKey query parameters); other ce-* headers become application properties. "
                + "Structured mode: an application/cloudevents+json body. 202 means the envelope is stored durably.")
            .WithJsonRequestBody("Any JSON value: the event's data.", JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean | JsonSchemaType.Null,
                """{ "orderId": "12345", "customerId": "789", "amount": 1500, "source": "Dataverse" }""")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/batch", PublishBatchAsync)
            .WithName(BatchEndpointName)
            .WithSummary("Publish a batch of events to a topic")
            .WithDescription("The body is a JSON array of { type, subject, source, orderingKey, properties, data }, or, as "
                + "application/cloudevents-batch+json, an array of CloudEvents. The batch is stored atomically: all events are accepted (202) or none is.")
            .WithJsonRequestBody("A JSON array of events.", JsonSchemaType.Array,
                """[ { "type": "order.created", "subject": "orders/12345", "orderingKey": "customer-789", "properties": { "region": "eu" }, "data": { "orderId": "12345" } } ]""")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    /// <summary>Publishes one event.</summary>
    public static async Task<Results<Accepted<PublishAccepted>, ProblemHttpResult>> PublishEventAsync(
        string topic, HttpContext context, [AsParameters] PublishServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (Correlation.Check(context.Request, services.Logger) is { } badCorrelation)
        {
            return badCorrelation;
        }

        var body = XmlEvents.IsXml(context.Request.ContentType) && services.Catalog.HasTopic(topic)
            ? await services.Xml.ReadAsync(context, services.Options.Value.MaxEventBytes, "The event body", Correlation.Resolve(context.Request, null))
            : await ReadBodyAsync(topic, context, services, services.Options.Value.MaxEventBytes, "The event body");
        using var document = body.Document;
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        BatchItem? item;
        if (BinaryModeHeaders.MediaType(context.Request.ContentType) == StructuredEvent.MediaType)
        {
            item = StructuredEvent.Parse(document!.RootElement, "", services.Options.Value.MaxEventBytes, errors);
        }
        else
        {
            var attributes = BinaryModeHeaders.Read(context.Request, errors);
            attributes = body.Transform is { } transform ? XmlEvents.Stamp(attributes, transform) : attributes;
            attributes.Validate("", errors);
            item = new BatchItem(attributes, body.Json);
        }

        if (errors.Count > 0 || item is null)
        {
            return Problems.Invalid(errors);
        }

        var correlationId = Correlation.Resolve(context.Request, item.Attributes.CorrelationId);
        var contracts = await services.Contracts.CheckAsync([item], batch: false, correlationId, context.RequestAborted);
        if (contracts.Problem is not null)
        {
            return ContractRefused(context, contracts.Problem);
        }

        var result = await PublishAsync(topic, [.. contracts.Items.Select(i => (i.Attributes, i.Data))], correlationId, context, services);
        return result.Problem is not null
            ? result.Problem
            : TypedResults.Accepted((string?)null, new PublishAccepted(topic, result.MessageIds[0], correlationId));
    }

    /// <summary>Publishes a batch of events atomically.</summary>
    public static async Task<Results<Accepted<BatchAccepted>, ProblemHttpResult>> PublishBatchAsync(
        string topic, HttpContext context, [AsParameters] PublishServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.Options.Value;
        if (Correlation.Check(context.Request, services.Logger) is { } badCorrelation)
        {
            return badCorrelation;
        }

        var body = await ReadBodyAsync(topic, context, services, options.MaxBatchBytes, "The batch body");
        using var document = body.Document;
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var cloudEvents = BinaryModeHeaders.MediaType(context.Request.ContentType) == StructuredEvent.BatchMediaType;
        var items = BatchItem.Parse(document!.RootElement, cloudEvents, options.MaxBatchSize, options.MaxEventBytes, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var correlationId = Correlation.Resolve(context.Request, null);
        var contracts = await services.Contracts.CheckAsync(items, batch: true, correlationId, context.RequestAborted);
        if (contracts.Problem is not null)
        {
            return ContractRefused(context, contracts.Problem);
        }

        var result = await PublishAsync(topic, [.. contracts.Items.Select(i => (i.Attributes, i.Data))], correlationId, context, services);
        return result.Problem is not null
            ? result.Problem
            : TypedResults.Accepted((string?)null, new BatchAccepted(topic, correlationId, result.MessageIds));
    }

    private static async Task<JsonBody.Result> ReadBodyAsync(string topic, HttpContext context, PublishServices services, int limit, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        return services.Catalog.HasTopic(topic)
            ? await JsonBody.ReadAsync(context.Request, limit, what, context.RequestAborted)
            : new JsonBody.Result(default, null, Problems.UnknownTopic(topic));
    }

    /// <summary>Counts a contract refusal (422) of the publisher, which <c>publishRefusals</c> alert rules watch.</summary>
    private static ProblemHttpResult ContractRefused(HttpContext context, ProblemHttpResult problem)
    {
        if (problem.StatusCode == StatusCodes.Status422UnprocessableEntity)
        {
            BridgePolicies.CountRefusal(context, "contract");
        }
        return problem;
    }

    private static async Task<(IReadOnlyList<string> MessageIds, ProblemHttpResult? Problem)> PublishAsync(
        string topic, IReadOnlyList<(EventAttributes Attributes, ReadOnlyMemory<byte> Data)> events, string correlationId,
        HttpContext context, PublishServices services)
    {
        context.Response.Headers[Correlation.HeaderName] = correlationId;
        using var scope = services.Logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId, ["Topic"] = topic });
        var publisher = BridgeClaims.PublisherOf(context.User);
        var (envelopes, span) = services.Envelopes.CreatePublish(topic, events, correlationId, publisher, i => IdempotentPublish.MessageIdFor(context, i));
        using var activity = span;
        var messages = Array.ConvertAll(envelopes, e => new OutgoingMessage(e));
        var acceptedAt = services.Time.GetUtcNow(); // before the broker has them, so no delivery attempt can precede it
        try
        {
            // Not tied to the request: once the broker has the envelopes, the caller must get its 202.
            await services.Publisher.PublishAsync(topic, messages, CancellationToken.None);
        }
        catch (TopicNotFoundException ex)
        {
            MessagingSpans.Failed(activity, ex.GetType().FullName!, ex.Message);
            return ([], Problems.UnknownTopic(topic));
        }
        catch (MessageTooLargeException ex)
        {
            MessagingSpans.Failed(activity, ex.GetType().FullName!, ex.Message);
            return ([], Problems.TooLarge("An envelope", ex.Limit));
        }
#pragma warning disable CA1031 // Any broker failure becomes a 503: nothing was stored, the caller retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            MessagingSpans.Failed(activity, ex.GetType().FullName!, ex.Message);
            LogPublishFailed(services.Logger, ex, events.Count, topic, correlationId);
            return ([], Problems.BrokerUnavailable(correlationId));
        }

        services.Audit.RecordAccepted(topic, messages.Select(m => m.Envelope), acceptedAt); // queued: written in the background
        await services.Audit.WhenRoomAsync(CancellationToken.None); // paced to the audit writer while its queue is full
        BridgeTelemetry.Published.Add(messages.Length, new KeyValuePair<string, object?>("topic", topic));
        LogPublished(services.Logger, messages.Length, topic, correlationId);
        return ([.. messages.Select(m => m.Envelope.Id)], null);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} envelope(s) to {Topic} (correlation {CorrelationId})")]
    private static partial void LogPublished(ILogger logger, int count, string topic, string correlationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing {Count} envelope(s) to {Topic} failed (correlation {CorrelationId}); nothing was accepted")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int count, string topic, string correlationId);
}

/// <summary>What the publish endpoints need.</summary>
public sealed record PublishServices(
    TopologyCatalog Catalog,
    ITopicPublisher Publisher,
    EnvelopeFactory Envelopes,
    AuditRecorder Audit,
    TimeProvider Time,
    IOptions<PublisherOptions> Options,
    ILogger<PublishServices> Logger,
    ContractValidator Contracts,
    XmlEvents Xml);

/// <summary>202 body of a single publish.</summary>
/// <param name="Topic">The topic published to.</param>
/// <param name="MessageId">The envelope id (and idempotency key receivers see).</param>
/// <param name="CorrelationId">The correlation id stamped on the envelope.</param>
public sealed record PublishAccepted(string Topic, string MessageId, string CorrelationId);

/// <summary>202 body of a batch publish.</summary>
/// <param name="Topic">The topic published to.</param>
/// <param name="CorrelationId">The correlation id stamped on every envelope.</param>
/// <param name="MessageIds">Envelope ids, in the order of the batch.</param>
public sealed record BatchAccepted(string Topic, string CorrelationId, IReadOnlyList<string> MessageIds);
