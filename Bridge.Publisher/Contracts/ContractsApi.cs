using System.Text;
using System.Text.Json;
using Bridge.Http;
using Bridge.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Contracts;

/// <summary>The contract registry: JSON Schema per event type and version, <c>/api/contracts</c>.</summary>
public static class ContractsApi
{
    private const int MaxDescriptionLength = 1024;
    private const int MaxEventTypeLength = 256;

    /// <summary>Maps the contract endpoints.</summary>
    public static RouteGroupBuilder MapContractsApi(this IEndpointRouteBuilder app)
    {
        // Reading the registry takes any credential (publishers and iPaaS connectors build their input forms from it);
        // registering takes admin.
        var api = app.MapGroup("/api/contracts").WithTags("Contracts").RequireCredential();

        api.MapPost("/{eventType}/versions", RegisterAsync)
            .RequireAdmin()
            .WithName("RegisterContract")
            .WithSummary("Register a contract version")
            .WithDescription("Registers the JSON Schema as the next version (1, 2, …) of the event type's contract. A schema equal to the latest "
                + "version answers 200 with that version. A schema that is not backward compatible with the latest version (an event valid under "
                + "it would be refused) answers 409 listing every breaking change, unless force is true: then it is registered and flagged breaking. "
                + "Only references within the schema ('#/…') are allowed.")
            .WithRequestExample("""{ "schema": { "type": "object", "required": ["orderId", "amount"], "properties": { "orderId": { "type": "string", "maxLength": 64 }, "amount": { "type": "number", "minimum": 0 } } }, "description": "First version", "force": false }""")
            .Produces<ContractRegistered>(StatusCodes.Status201Created)
            .Produces<ContractRegistered>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/", ListAsync)
            .WithName("ListContracts")
            .WithSummary("List contracts")
            .WithDescription("Every event type with a contract: its latest version, how many versions it has, and when the latest was registered.");

        api.MapGet("/{eventType}", VersionsAsync)
            .WithName("ListContractVersions")
            .WithSummary("List the versions of a contract")
            .WithDescription("Every version of the event type's contract, oldest first, with its URI (the dataschema stamped on checked envelopes) and breaking flag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{eventType}/versions/{version:int}", GetAsync)
            .WithName("GetContractVersion")
            .WithSummary("Get a contract version")
            .WithDescription("One version of the event type's contract with its JSON Schema (in canonical form: members sorted).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    /// <summary>Registers a contract version.</summary>
    internal static async Task<Results<Created<ContractRegistered>, Ok<ContractRegistered>, ProblemHttpResult>> RegisterAsync(
        string eventType, RegisterContractRequest? request, [AsParameters] ContractServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckEventType(eventType, errors);
        var maxBytes = services.Options.Value.MaxSchemaBytes;
        if (request?.Schema is not { ValueKind: JsonValueKind.Object } schema)
        {
            errors["schema"] = ["Required: a JSON Schema object."];
        }
        else if (Encoding.UTF8.GetByteCount(schema.GetRawText()) > maxBytes)
        {
            errors["schema"] = [$"The schema exceeds the limit of {maxBytes} bytes."];
        }

        if (request?.Description is { } description && (description.Length > MaxDescriptionLength || description.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
        {
            errors["description"] = [$"At most {MaxDescriptionLength} characters, without control characters."];
        }

        if (errors.Count > 0)
        {
            return ContractProblems.InvalidRequest(errors);
        }

        var keywordErrors = SchemaKeywords.Check(request!.Schema!.Value);
        if (keywordErrors.Count > 0)
        {
            return ContractProblems.InvalidSchema(keywordErrors);
        }

        var canonical = ContractSchemas.Canonical(request.Schema.Value);
        var (compiled, error) = await ContractSchemas.LoadAsync(canonical, cancellationToken);
        if (compiled is null || error is not null)
        {
            return ContractProblems.InvalidSchema([error!]);
        }

        var registration = await services.Registry.RegisterAsync(eventType, compiled, canonical, request.Description, request.Force, cancellationToken);
        return registration.Outcome switch
        {
            ContractRegistry.Outcome.Created => TypedResults.Created(
                $"/api/contracts/{Uri.EscapeDataString(eventType)}/versions/{registration.Version!.Version}",
                new ContractRegistered(ContractVersionView.From(registration.Version), registration.Changes)),
            ContractRegistry.Outcome.Unchanged => TypedResults.Ok(new ContractRegistered(ContractVersionView.From(registration.Version!), [])),
            ContractRegistry.Outcome.Incompatible => ContractProblems.Incompatible(eventType, registration.LatestVersion!.Value, registration.Changes),
            _ => ContractProblems.Contended(eventType),
        };
    }

    /// <summary>Lists every event type with a contract.</summary>
    internal static async Task<Ok<ContractList>> ListAsync([AsParameters] ContractServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return TypedResults.Ok(new ContractList(await services.Registry.ListAsync(cancellationToken)));
    }

    /// <summary>Lists the versions of one event type's contract.</summary>
    internal static async Task<Results<Ok<ContractVersionList>, ProblemHttpResult>> VersionsAsync(
        string eventType, [AsParameters] ContractServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var versions = await services.Registry.VersionsAsync(eventType, cancellationToken);
        return versions.Count == 0
            ? ContractProblems.UnknownContract(eventType)
            : TypedResults.Ok(new ContractVersionList(eventType, versions[^1].Version, [.. versions.Select(ContractVersionView.From)]));
    }

    /// <summary>Gets one version with its schema.</summary>
    internal static async Task<Results<Ok<ContractSchemaView>, ProblemHttpResult>> GetAsync(
        string eventType, int version, [AsParameters] ContractServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var row = await services.Registry.GetAsync(eventType, version, cancellationToken);
        return row is null
            ? ContractProblems.UnknownVersion(eventType, version)
            : TypedResults.Ok(new ContractSchemaView(ContractVersionView.From(row), ContractRegistry.SchemaOf(row)));
    }

    private static void CheckEventType(string eventType, Dictionary<string, string[]> errors)
    {
        if (eventType.Length is 0 or > MaxEventTypeLength || eventType.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors["eventType"] = [$"An event type is 1 to {MaxEventTypeLength} characters without white space or control characters."];
        }
    }
}

/// <summary>What the contract endpoints need.</summary>
internal sealed record ContractServices(ContractRegistry Registry, IOptions<ContractOptions> Options);
